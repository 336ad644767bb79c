// Fleets: PREFIX-1 … PREFIX-N created (and started) from one template with bounded concurrency,
// stopped and deleted together. Each VM reports its own progress; one failure does not stop the
// others; the result lists every VM's outcome.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { NixlimaError, toHelperError } from "../errors";
import type { Limactl } from "../lima/limactl";
import { listVms } from "../lima/list";
import { deleteVm, stopVm, type Reporter } from "../lima/operations";
import type { Fleet, FleetCreateOptions, FleetMemberResult, FleetResult, Progress } from "../protocol";
import { resolveTemplate } from "../templates/catalog";
import { createVm, limaHomeOf, type CreateRequest } from "../templates/create";
import { PRESETS } from "../shared/presets";
import { parseTemplate, templateResources } from "../templates/render";
import { checkFleetFits, defaultConcurrency, hostResources, type HostResources } from "./capacity";
import { fleetMembers, fleetNames, fleetSummary, groupFleets } from "../shared/fleetMembers";
import { runPool } from "../proc/pool";

const GiB = 1024 ** 3;

/** A fleet job's reporter: the fleet's own progress, plus each VM's (shown per row by the UI). */
export interface FleetReporter extends Reporter {
  member?(vm: string, p: Progress): void;
}

export interface FleetCreateExtras {
  /** Boot this image instead of the template's (tests: a never-booting fixture). */
  image?: string;
  host?: HostResources;
  env?: NodeJS.ProcessEnv;
}

export async function createFleet(
  l: Limactl,
  opts: FleetCreateOptions,
  r: FleetReporter,
  signal: AbortSignal,
  extras: FleetCreateExtras = {},
): Promise<FleetResult> {
  const names = fleetNames(opts.prefix, opts.count);
  const resources = opts.preset ? PRESETS[opts.preset] : await templateDefaults(opts.template, extras.env);
  const vmMem = (resources.memoryGiB ?? 4) * GiB;
  const host = extras.host ?? hostResources();
  checkFleetFits(opts.count, vmMem, host);
  const concurrency = opts.concurrency ?? defaultConcurrency(opts.count, vmMem, host);
  const request: CreateRequest = {
    template: opts.template,
    ...(opts.preset ? PRESETS[opts.preset] : {}),
    ...(extras.image ? { image: extras.image } : {}),
    start: opts.start ?? true,
  };
  r.log(`fleet ${opts.prefix}: ${names.length} VMs of ${vmMem / GiB} GiB, ${concurrency} at a time`);
  // Lima makes its ssh key pair (_config/user) on the first create in a LIMA_HOME, and two
  // creates at once would both run ssh-keygen, one failing: make the first VM alone then.
  const firstAlone = !existsSync(join(limaHomeOf(l), "_config", "user"));
  return runFleet(opts.prefix, "create", names, concurrency, r, signal, (name, mr) => createVm(l, name, request, mr, signal), firstAlone);
}

export async function stopFleet(l: Limactl, prefix: string, r: FleetReporter, signal: AbortSignal, concurrency?: number): Promise<FleetResult> {
  const members = fleetMembers(await listVms(l, signal), prefix).filter((vm) => vm.status === "Running");
  if (members.length === 0) throw new NixlimaError("not-running", `No VM of fleet \`${prefix}\` is running.`, "`nixlima fleet list` shows the fleets.");
  const k = concurrency ?? Math.max(1, hostResources().cpus);
  return runFleet(prefix, "stop", members.map((vm) => vm.name), k, r, signal, (name, mr) => stopVm(l, name, {}, mr, signal));
}

export async function deleteFleet(l: Limactl, prefix: string, force: boolean, r: FleetReporter, signal: AbortSignal): Promise<FleetResult> {
  const members = fleetMembers(await listVms(l, signal), prefix);
  if (members.length === 0) throw notFound(prefix);
  return runFleet(prefix, "delete", members.map((vm) => vm.name), 4, r, signal, (name, mr) => deleteVm(l, name, { force }, mr, signal));
}

export async function listFleets(l: Limactl, signal?: AbortSignal): Promise<Fleet[]> {
  return groupFleets(await listVms(l, signal)).fleets.map(fleetSummary);
}

async function runFleet(
  prefix: string,
  action: FleetResult["action"],
  names: string[],
  concurrency: number,
  r: FleetReporter,
  signal: AbortSignal,
  run: (name: string, r: Reporter) => Promise<void>,
  firstAlone = false,
): Promise<FleetResult> {
  const started = performance.now();
  let finished = 0;
  let failed = 0;
  const overall = () =>
    r.progress({ stage: `${VERB[action].ing} fleet ${prefix}`, message: `${finished} of ${names.length} done${failed ? `, ${failed} failed` : ""}`, fraction: finished / names.length });
  overall();
  const outcomes = await runPool(
    names,
    concurrency,
    async (name) => {
      const memberReporter: Reporter = {
        progress: (p) => (r.member ? r.member(name, p) : r.log(`${name}: ${p.stage}${p.message ? `: ${p.message}` : ""}`)),
        log: (line) => r.log(`${name}: ${line}`),
      };
      try {
        await run(name, memberReporter);
        memberReporter.progress({ stage: "Done", fraction: 1 });
      } catch (err) {
        failed++;
        r.log(`${name}: ✗ ${err instanceof Error ? err.message : String(err)}`);
        memberReporter.progress({ stage: "Failed", fraction: 1 });
        throw err;
      } finally {
        finished++;
        overall();
      }
    },
    signal,
    { firstAlone },
  );
  const members: FleetMemberResult[] = outcomes.map((o, i) => {
    const base = { vm: names[i]!, ok: o.ok, durationMs: Math.round(o.durationMs) };
    if (o.ok) return base;
    const error = signal.aborted && !(o.error instanceof NixlimaError) ? { code: "cancelled" as const, message: `${names[i]} was not ${VERB[action].done}: the fleet was cancelled.` } : toHelperError(o.error);
    return { ...base, error };
  });
  return { prefix, action, concurrency, members, durationMs: Math.round(performance.now() - started) };
}

/** The template's own memory etc. when no preset is given. */
async function templateDefaults(template: string, env?: NodeJS.ProcessEnv) {
  const resolved = await resolveTemplate(template, env);
  return templateResources(parseTemplate(await readFile(resolved.path, "utf8"), resolved.path));
}

function notFound(prefix: string): NixlimaError {
  return new NixlimaError("not-found", `There is no fleet \`${prefix}\` (no VM named ${prefix}-1, ${prefix}-2, …).`, "`nixlima fleet list` shows the fleets.");
}

const VERB = {
  create: { ing: "Creating", done: "created" },
  stop: { ing: "Stopping", done: "stopped" },
  delete: { ing: "Deleting", done: "deleted" },
} as const;
