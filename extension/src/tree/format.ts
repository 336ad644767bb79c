// How a VM reads in the explorer: pure functions, so they are tested without VS Code.
import { limaSshConfigPath } from "../../../helper/src/shared/limaSsh";
import { shellWord } from "../../../helper/src/shared/shellQuote";
import { aliasTwins } from "../../../helper/src/shared/vmNames";
import { dispatchOf, type Job, type Vm } from "../../../helper/src/protocol";

export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  if (gib >= 1) return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  const mib = bytes / 2 ** 20;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** How long, in the unit people use for it: `40 s`, `12 min`, `5 h`, `3 d`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** `Running · 2 h · 4 CPU · 8 GiB · aarch64 · vz`, or the job's stage while one runs (a fleet job: this VM's own stage). */
export function describeVm(vm: Vm, job?: Job, task?: Job, now = Date.now()): string {
  const stage = job ? (job.members?.[vm.name] ?? job.progress).stage : undefined;
  const parts: string[] = [stage ? `${stage}…` : vm.status];
  if (!stage && vm.since !== undefined) parts.push(formatDuration(now - vm.since));
  if (task) parts.push(`${dispatchOf(task.request)?.agent ?? "agent"}: ${task.progress.stage}`);
  if (vm.cpus !== undefined) parts.push(`${vm.cpus} CPU`);
  if (vm.memoryBytes !== undefined) parts.push(formatBytes(vm.memoryBytes));
  if (vm.arch) parts.push(vm.arch);
  if (vm.vmType) parts.push(vm.vmType);
  if (vm.protected) parts.push("protected");
  if (vm.startsAtLogin) parts.push("starts at login");
  return parts.join(" · ");
}

/** Lima's error about an instance (Go's text) in words; the raw text stays in the row's tooltip. */
export function errorWords(error: string): string {
  if (/lima\.yaml: no such file or directory/.test(error)) return "its configuration file (lima.yaml) is missing";
  if (/lima\.yaml/.test(error)) return "its configuration file (lima.yaml) cannot be read";
  return error.replace(/`([^`]*)`/g, '"$1"');
}

/** `3.1 GiB used of 20 GiB`: the sparse disk's real size on the host beside its nominal size. */
export function diskText(vm: Vm): string {
  const nominal = vm.diskBytes === undefined ? "" : formatBytes(vm.diskBytes);
  return vm.diskUsedBytes === undefined ? nominal : `${formatBytes(vm.diskUsedBytes)} used of ${nominal}`;
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

/**
 * The row's contextValue: `vm+STATE`, and for a running VM made from nixlima's templates
 * `+nixos` (Rebuild VM… works) and `+agent` (the agent image: Dispatch Task…, Copy Claude Token…);
 * then `+protected` and `+atlogin` on a running or stopped VM, so its menu offers only the
 * Protect/Unprotect and Start at Login on/off that change something. A running VM whose agent
 * task holds it is `vm+tasked`: the helper refuses every other job on it until the task ends
 * (shared/jobHolds), so its menu keeps only what reaches it (Open, Terminal, ssh, logs) and the
 * task row offers Stop Task.
 */
export function vmContext(vm: Vm, job?: Job, task?: Job): string {
  const state = vmState(vm, job);
  if (state === "running" && task) return "vm+tasked";
  if (state !== "running" && state !== "stopped") return `vm+${state}`;
  const image = state === "running" && vm.template ? `+nixos${vm.template === "agent" ? "+agent" : ""}` : "";
  return `vm+${state}${image}${vm.protected ? "+protected" : ""}${vm.startsAtLogin ? "+atlogin" : ""}`;
}

export type VmState = "running" | "stopped" | "broken" | "unknown" | "busy";

export function vmState(vm: Vm, job?: Job): VmState {
  if (job) return "busy";
  return vm.status === "Running" ? "running" : vm.status === "Stopped" ? "stopped" : vm.status === "Broken" ? "broken" : "unknown";
}

/** `ssh lima-NAME` where nixlima keeps the user's ssh config pointing at the VMs; else Lima's own file. */
export function sshCommand(vm: Vm, managedConfig = false): string {
  if (managedConfig) return `ssh ${vm.hostname}`;
  return `ssh -F ${shellWord(limaSshConfigPath(vm))} ${vm.hostname}`;
}
