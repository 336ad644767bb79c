// The operations on a stopped VM: clone, rename, resize, protect, and fork (clone + start). Each
// checks its names and the VM's state before any limactl process changes anything, and a failed
// or cancelled one leaves no half-made VM: a partial clone is deleted, a rename is moved back,
// an edit's lima.yaml is restored.
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NixlimaError } from "../errors";
import type { ResizeOptions, Vm } from "../protocol";
import { limaHomeOf } from "../templates/create";
import { ResourceInput } from "../shared/presets";
import type { Limactl } from "./limactl";
import { listVms } from "./list";
import { checkNameIsFree, checkVmName } from "../shared/vmNames";
import { inspectVm, refuseBroken, runLogged, startVm, type Reporter } from "./operations";

/** A clone copies the whole disk (tens of GiB where the file system cannot share blocks). */
const COPY_TIMEOUT_MS = 30 * 60_000;
const QUICK_TIMEOUT_MS = 2 * 60_000;
const GIB = 1024 ** 3;

/** The VM, which must exist, be readable and be stopped: Lima edits, copies and moves only stopped VMs. */
export async function stoppedVm(l: Limactl, name: string, doing: string, r: Reporter, signal: AbortSignal): Promise<Vm> {
  const vm = await inspectVm(l, name, r, signal);
  refuseBroken(vm);
  if (vm.status !== "Stopped") {
    throw new NixlimaError("already-running", `VM \`${name}\` is running; stop it before you ${doing} it.`, `Stop it with \`nixlima stop ${name}\`.`);
  }
  return vm;
}

/**
 * A valid name that no VM has yet (not even in letter case or ssh alias: names.ts), and no
 * leftover folder in LIMA_HOME either; `except` is the VM being renamed.
 */
export async function freeName(l: Limactl, name: string, signal: AbortSignal, except?: string): Promise<void> {
  checkVmName(name);
  checkNameIsFree(name, (await listVms(l, signal)).map((vm) => vm.name).filter((n) => n !== except));
  if (existsSync(join(limaHomeOf(l), name))) {
    throw new NixlimaError("already-exists", `A folder named ${name} is already in ${limaHomeOf(l)}.`, "Choose another name, or remove that folder first.");
  }
}

export async function cloneVm(l: Limactl, source: string, target: string, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(source);
  checkVmName(target);
  r.progress({ stage: "Checking", fraction: 0 });
  await stoppedVm(l, source, "clone", r, signal);
  await freeName(l, target, signal);
  r.progress({ stage: "Copying the disk", message: `${source} → ${target}` });
  try {
    await runLogged(l, ["clone", source, target], r, signal, COPY_TIMEOUT_MS);
  } catch (err) {
    await removeHalfMade(l, target, r);
    throw err;
  }
  r.progress({ stage: "Cloned", message: target, fraction: 1 });
}

/** Fork: a clone of a prepared stopped VM, started. A fork that fails or is cancelled is deleted again. */
export async function forkVm(l: Limactl, source: string, target: string, r: Reporter, signal: AbortSignal): Promise<void> {
  await cloneVm(l, source, target, r, signal);
  try {
    await startVm(l, target, r, signal);
  } catch (err) {
    await removeHalfMade(l, target, r);
    throw err;
  }
}

export async function renameVm(l: Limactl, source: string, target: string, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(source);
  checkVmName(target);
  r.progress({ stage: "Checking", fraction: 0 });
  const vm = await stoppedVm(l, source, "rename", r, signal);
  await freeName(l, target, signal, source);
  r.progress({ stage: "Renaming", message: `${source} → ${target}` });
  try {
    await runLogged(l, ["rename", source, target], r, signal, QUICK_TIMEOUT_MS);
  } catch (err) {
    await undoRename(l, source, target, r);
    throw err;
  }
  // Lima 2.2 leaves its protection marker behind on rename; a protected VM stays protected.
  if (vm.protected) await runLogged(l, ["protect", target], r, undefined, QUICK_TIMEOUT_MS);
  r.progress({ stage: "Renamed", message: target, fraction: 1 });
}

/** New CPUs, memory or disk for a stopped VM: the checks of Create, and the disk only grows. */
export async function resizeVm(l: Limactl, name: string, opts: ResizeOptions, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(name);
  const parsed = ResourceInput.safeParse(opts);
  if (!parsed.success) throw new NixlimaError("usage", parsed.error.issues[0]!.message);
  const { cpus, memoryGiB, diskGiB } = parsed.data;
  if (cpus === undefined && memoryGiB === undefined && diskGiB === undefined) {
    throw new NixlimaError("usage", "Say what to change: the CPUs, the memory or the disk size.");
  }
  r.progress({ stage: "Checking", fraction: 0 });
  const vm = await stoppedVm(l, name, "resize", r, signal);
  refuseShrink(vm, diskGiB);
  const args = ["edit"];
  if (cpus !== undefined) args.push("--cpus", String(cpus));
  if (memoryGiB !== undefined) args.push("--memory", String(memoryGiB));
  if (diskGiB !== undefined) args.push("--disk", String(diskGiB));
  args.push(name);
  const yamlPath = join(vm.dir, "lima.yaml");
  const before = await readFile(yamlPath, "utf8");
  r.progress({ stage: "Resizing", message: name });
  try {
    await runLogged(l, args, r, signal, QUICK_TIMEOUT_MS);
  } catch (err) {
    // Put lima.yaml back as it was, and drop the copy Lima keeps of a rejected edit.
    await writeFile(yamlPath, before);
    await rm(join(vm.dir, "lima.REJECTED.yaml"), { force: true });
    throw err;
  }
  r.progress({ stage: "Resized", message: diskGiB === undefined ? name : `${name}: the disk grows when it next starts`, fraction: 1 });
}

export async function setProtected(l: Limactl, name: string, on: boolean, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(name);
  const vm = await inspectVm(l, name, r, signal);
  refuseBroken(vm);
  r.progress({ stage: on ? "Protecting" : "Unprotecting", message: name });
  await runLogged(l, [on ? "protect" : "unprotect", name], r, signal, QUICK_TIMEOUT_MS);
  r.progress({ stage: on ? "Protected" : "Unprotected", message: name, fraction: 1 });
}

function refuseShrink(vm: Vm, diskGiB: number | undefined): void {
  if (diskGiB === undefined || vm.diskBytes === undefined || diskGiB * GIB >= vm.diskBytes) return;
  const now = formatGiB(vm.diskBytes);
  throw new NixlimaError(
    "failed",
    `The disk of VM \`${vm.name}\` can only grow: it has ${now} GiB, so the new size must be at least ${now} GiB.`,
    "To make room, delete files inside the VM instead, or clone it into a new VM with less data.",
  );
}

function formatGiB(bytes: number): string {
  return String(Math.round((bytes / GIB) * 100) / 100);
}

/** After a failed or cancelled copy: the target is deleted (it did not exist before). */
async function removeHalfMade(l: Limactl, target: string, r: Reporter): Promise<void> {
  r.progress({ stage: "Removing the unfinished copy", message: target });
  await runLogged(l, ["delete", "-f", target], r, undefined, QUICK_TIMEOUT_MS).catch(() => undefined);
  // A copy that never got its lima.yaml is not an instance to Lima: remove the folder itself.
  await rm(join(limaHomeOf(l), target), { recursive: true, force: true });
}

/** After a failed or cancelled rename: if the folder moved, move it back. */
async function undoRename(l: Limactl, source: string, target: string, r: Reporter): Promise<void> {
  const home = limaHomeOf(l);
  if (existsSync(join(home, source)) || !existsSync(join(home, target))) return;
  r.progress({ stage: "Undoing the rename", message: `${target} → ${source}` });
  await runLogged(l, ["rename", target, source], r, undefined, QUICK_TIMEOUT_MS).catch((err: unknown) => {
    r.log(`could not rename ${target} back to ${source}: ${err instanceof Error ? err.message : String(err)}`);
  });
}
