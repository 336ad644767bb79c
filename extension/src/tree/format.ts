// How a VM reads in the explorer: pure functions, so they are tested without VS Code.
import { aliasTwins } from "../../../helper/src/lima/names";
import type { Job, Vm } from "../../../helper/src/protocol";

export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  if (gib >= 1) return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  const mib = bytes / 2 ** 20;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** `Running · 4 CPU · 8 GiB · aarch64 · vz`, or the job's stage while one runs (a fleet job: this VM's own stage). */
export function describeVm(vm: Vm, job?: Job, task?: Job): string {
  const stage = job ? (job.members?.[vm.name] ?? job.progress).stage : undefined;
  const parts: string[] = [stage ? `${stage}…` : vm.status];
  if (task) parts.push(`${task.request.dispatch?.agent ?? "agent"}: ${task.progress.stage}`);
  if (vm.cpus !== undefined) parts.push(`${vm.cpus} CPU`);
  if (vm.memoryBytes !== undefined) parts.push(formatBytes(vm.memoryBytes));
  if (vm.arch) parts.push(vm.arch);
  if (vm.vmType) parts.push(vm.vmType);
  return parts.join(" · ");
}

/**
 * Said on the row of a VM whose ssh alias another VM shares (Lima writes '.' and '_' as '-'):
 * `ssh lima-…` and Remote-SSH may reach the other one; nixlima's terminal does not.
 */
export function sharedAliasNote(vm: Pick<Vm, "name" | "hostname">, all: readonly Pick<Vm, "name">[]): string | undefined {
  const twins = aliasTwins(vm.name, all.map((v) => v.name));
  if (twins.length === 0) return undefined;
  return `shares ssh host ${vm.hostname} with ${twins.join(", ")}: rename one; Open in VS Code may reach the other, Open Terminal reaches this one`;
}

export type VmState = "running" | "stopped" | "broken" | "unknown" | "busy";

export function vmState(vm: Vm, job?: Job): VmState {
  if (job) return "busy";
  return vm.status === "Running" ? "running" : vm.status === "Stopped" ? "stopped" : vm.status === "Broken" ? "broken" : "unknown";
}

/** The VM's own folder on the host mounted writable: the guest can change everything the user owns. */
export function isWritableHome(mount: { location: string; writable: boolean }, home: string): boolean {
  const strip = (p: string) => p.replace(/\/+$/, "");
  const loc = strip(mount.location.replace(/^~(?=\/|$)/, home));
  return mount.writable && (loc === strip(home) || strip(home).startsWith(`${loc}/`) || loc === "");
}

export function sshCommand(vm: Vm): string {
  return `ssh -F ${quote(vm.sshConfigFile ?? `${vm.dir}/ssh.config`)} ${vm.hostname}`;
}

function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
