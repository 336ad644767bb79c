// Snapshots of a VM's disk (QEMU only), and Reset to checkpoint for agent sandboxes: Lima's
// `snapshot create|apply|delete|list` with the tag checked first and vz refused in one sentence.
import { NixlimaError } from "../errors";
import type { DiskSnapshot, SnapshotJob, Vm } from "../protocol";
import { checkSnapshotTag, snapshotsSupported, VZ_NO_SNAPSHOTS } from "../shared/snapshotRules";
import type { Limactl } from "./limactl";
import { inspectVm, refuseBroken, runLogged, startVm, stopVm, type Reporter } from "./operations";

/** Saving a running VM's memory too can take minutes under TCG. */
const SNAPSHOT_TIMEOUT_MS = 15 * 60_000;
async function snapshotVm(l: Limactl, name: string, r: Reporter | undefined, signal?: AbortSignal): Promise<Vm> {
  const vm = await inspectVm(l, name, r, signal);
  refuseBroken(vm);
  if (!snapshotsSupported(vm)) throw new NixlimaError("failed", VZ_NO_SNAPSHOTS, "Clone the VM instead to keep a copy of it.");
  return vm;
}

export async function listSnapshots(l: Limactl, name: string, signal?: AbortSignal): Promise<DiskSnapshot[]> {
  await snapshotVm(l, name, undefined, signal);
  const { stdout } = await l.run(["snapshot", "list", name], { signal, timeoutMs: 60_000 });
  return parseSnapshotList(stdout);
}

/**
 * The table of `qemu-img snapshot -l` (stopped VM) or QEMU's `info snapshots` (running VM, where
 * the ID column is `--`): a header `ID TAG VM SIZE DATE VM CLOCK ICOUNT`, then one snapshot a line.
 */
export function parseSnapshotList(text: string): DiskSnapshot[] {
  const lines = text.split("\n").map((line) => line.trim().split(/\s+/));
  const header = lines.findIndex((f) => f[0] === "ID" && f[1] === "TAG");
  if (header < 0) return [];
  return lines
    .slice(header + 1)
    .filter((fields) => fields.length > 2)
    .map((fields) => {
      const date = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(fields.join(" "))?.[0];
      return date ? { tag: fields[1]!, date } : { tag: fields[1]! };
    });
}

const STAGES = {
  create: ["Saving a snapshot", "Snapshot saved"],
  apply: ["Going back to the snapshot", "Back at the snapshot"],
  delete: ["Deleting the snapshot", "Snapshot deleted"],
} as const;

export async function snapshotJob(l: Limactl, name: string, job: SnapshotJob, r: Reporter, signal: AbortSignal): Promise<void> {
  checkSnapshotTag(job.tag);
  r.progress({ stage: "Checking", fraction: 0 });
  const vm = await snapshotVm(l, name, r, signal);
  const tags = (await listSnapshots(l, name, signal)).map((s) => s.tag);
  if (job.action === "create" && tags.includes(job.tag)) {
    throw new NixlimaError("already-exists", `VM \`${name}\` already has a snapshot named \`${job.tag}\`.`, "Choose another name, or delete the old snapshot first.");
  }
  if (job.action !== "create" && !tags.includes(job.tag)) {
    throw new NixlimaError("not-found", `VM \`${name}\` has no snapshot named \`${job.tag}\`.`, `See its snapshots with \`nixlima snapshot list ${name}\`.`);
  }
  // Lima applies to a running VM with QEMU's loadvm, which also rewinds the guest's side of every
  // ssh connection: Lima's own (shell, port and socket forwards) then hang. So a running VM is
  // stopped (what it holds now is being thrown away anyway), reset on disk, and started again.
  const restart = job.action === "apply" && vm.status === "Running";
  if (restart) await stopVm(l, name, { force: true }, r, signal);
  const [doing, done] = STAGES[job.action];
  r.progress({ stage: doing, message: job.tag });
  try {
    await runLogged(l, ["snapshot", job.action, name, "--tag", job.tag], r, signal, SNAPSHOT_TIMEOUT_MS);
  } catch (err) {
    // A save cut short may have left its tag behind: no half-made snapshot stays.
    if (job.action === "create") await runLogged(l, ["snapshot", "delete", name, "--tag", job.tag], r, undefined, SNAPSHOT_TIMEOUT_MS).catch(() => undefined);
    throw err;
  }
  if (restart) await startVm(l, name, r, signal);
  r.progress({ stage: done, message: job.tag, fraction: 1 });
}
