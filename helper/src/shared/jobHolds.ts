// What a running job holds, so two jobs (from two windows, or a fleet and one of its VMs) never
// act on the same thing at once: a VM job holds its VM, a build its image and system, a fleet
// job every VM named PREFIX-N (those it will create included, whether they exist yet or not).
import { memberOf } from "./fleetMembers";
import { hostLinuxSystem } from "./arch";
import type { Job, JobRequest } from "../protocol";

type Hold = { image: string } | { vm: string } | { fleet: string };

function hold(request: JobRequest): Hold {
  if (request.kind === "build") return { image: `${request.build.image}:${request.build.system ?? hostLinuxSystem()}` };
  if (request.kind === "fleet") return { fleet: fleetPrefix(request) };
  return { vm: request.vm };
}

/**
 * A clone, fork or rename also holds the name it makes, so two of them cannot race for it, and
 * both rows read as busy while it runs (the copy being made is not a broken VM).
 */
function holds(request: JobRequest): Hold[] {
  const target = "target" in request ? [{ vm: request.target }] : [];
  return [hold(request), ...target];
}

/** The fleet a fleet job acts on. */
export function fleetPrefix(request: JobRequest): string {
  if (request.kind !== "fleet") return "";
  const f = request.fleet;
  return f.action === "create" ? f.create.prefix : f.prefix;
}

/** Whether VM `name` is PREFIX-N: fleet members are only ever recognised by their names. */
export function inFleet(name: string, prefix: string): boolean {
  return memberOf(name)?.prefix === prefix;
}

export function conflicts(a: JobRequest, b: JobRequest): boolean {
  return holds(a).some((x) => holds(b).some((y) => holdsConflict(x, y)));
}

function holdsConflict(x: Hold, y: Hold): boolean {
  if ("image" in x || "image" in y) return "image" in x && "image" in y && x.image === y.image;
  if ("vm" in x && "vm" in y) return x.vm === y.vm;
  if ("fleet" in x && "fleet" in y) return x.fleet === y.fleet;
  return "vm" in x ? inFleet(x.vm, (y as { fleet: string }).fleet) : inFleet((y as { vm: string }).vm, x.fleet);
}

/**
 * The running job that holds VM `name`, if any: the one rule for both sides. The helper refuses
 * another job on that VM while it runs, and the explorer shows the VM as taken by it. A task
 * (dispatch) holds its VM until it ends; a fleet job holds every PREFIX-N until the whole fleet
 * job ends, also a member it has finished with; a finished job holds nothing.
 */
export function jobHoldingVm(jobs: Iterable<Job>, name: string): Job | undefined {
  for (const job of jobs) {
    if (job.state === "running" && holds(job.request).some((h) => holdsConflict(h, { vm: name }))) return job;
  }
  return undefined;
}

/** How messages name what a job is about. */
export function subject(request: JobRequest): string {
  if (request.kind === "build") return `Image "${request.build.image}"${request.build.system ? ` for ${request.build.system}` : ""}`;
  if (request.kind === "fleet") return `Fleet "${fleetPrefix(request)}"`;
  return `VM "${request.vm}"`;
}
