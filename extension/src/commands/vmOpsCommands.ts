// Clone, rename, resize, protect, fork, snapshots and Start at Login from a VM row or the palette.
// Each asks what it needs (names checked as they are typed, with Create's rules), then runs a
// helper job whose progress notification has Cancel.
import * as vscode from "vscode";
import { checkVmName } from "../../../helper/src/shared/vmNames";
import { VZ_NO_SNAPSHOTS, checkSnapshotTag, snapshotsSupported } from "../../../helper/src/shared/snapshotRules";
import { ResourceInput } from "../../../helper/src/shared/presets";
import type { ResizeOptions, Vm } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { vmFromArg } from "./pickVm";
import { runJob } from "./runJob";

const isStopped = (vm: Vm) => vm.status === "Stopped";
const isKnown = (vm: Vm) => vm.status === "Running" || vm.status === "Stopped";
const GIB = 1024 ** 3;

/** Why a name cannot be used, or undefined: Lima's rule, and not taken already. */
function nameProblem(ctx: Ctx, value: string): string | undefined {
  if (ctx.store.vm(value)) return `A VM named "${value}" already exists.`;
  try {
    checkVmName(value);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function askNewName(ctx: Ctx, title: string, suggestion: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: "New VM name",
    value: suggestion,
    ignoreFocusOut: true,
    validateInput: (v) => nameProblem(ctx, v),
  });
}

/** `NAME-copy`, `NAME-copy-2`, …: the first that is free. */
function freeSuggestion(ctx: Ctx, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!ctx.store.vm(name)) return name;
  }
}

export const cloneVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isStopped, "cloned");
  const target = vm && (await askNewName(ctx, `Clone "${vm.name}"`, freeSuggestion(ctx, `${vm.name}-copy`)));
  if (vm && target) await runJob(ctx, { kind: "clone", vm: vm.name, target });
};

export const forkVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isStopped, "forked");
  const target = vm && (await askNewName(ctx, `Fork "${vm.name}": a started copy`, freeSuggestion(ctx, `${vm.name}-fork`)));
  if (vm && target) await runJob(ctx, { kind: "fork", vm: vm.name, target });
};

export const renameVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isStopped, "renamed");
  const target = vm && (await askNewName(ctx, `Rename "${vm.name}"`, vm.name));
  if (vm && target && target !== vm.name) await runJob(ctx, { kind: "rename", vm: vm.name, target });
};

export const resizeVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isStopped, "resized");
  if (!vm) return;
  const cpus = await askNumber(`Resize "${vm.name}": CPUs`, vm.cpus, "cpus");
  if (cpus === undefined) return;
  const memory = await askNumber(`Resize "${vm.name}": memory (GiB)`, vm.memoryBytes && vm.memoryBytes / GIB, "memoryGiB");
  if (memory === undefined) return;
  const nowDisk = vm.diskBytes && vm.diskBytes / GIB;
  const disk = await askNumber(`Resize "${vm.name}": disk (GiB, it can only grow)`, nowDisk, "diskGiB", nowDisk);
  if (disk === undefined) return;
  const resize: ResizeOptions = { cpus, memoryGiB: memory, diskGiB: disk };
  await runJob(ctx, { kind: "resize", vm: vm.name, resize });
};

/** One resource, prefilled with its current value and checked with Create's rule. */
async function askNumber(title: string, current: number | undefined, key: keyof ResizeOptions, atLeast?: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    value: current === undefined ? "" : String(Math.round(current * 100) / 100),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const checked = ResourceInput.safeParse({ [key]: v.trim() === "" ? Number.NaN : Number(v) });
      if (!checked.success) return checked.error.issues[0]!.message;
      if (atLeast !== undefined && Number(v) < atLeast) return `The disk can only grow: enter at least ${Math.round(atLeast * 100) / 100}.`;
      return undefined;
    },
  });
  return text === undefined ? undefined : Number(text);
}

export const protectVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, (v) => isKnown(v) && !v.protected, "protected");
  if (vm?.protected) void vscode.window.showInformationMessage(`"${vm.name}" is already protected against deletion.`);
  else if (vm) await runJob(ctx, { kind: "protect", vm: vm.name });
};

export const unprotectVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, (v) => isKnown(v) && v.protected, "unprotected");
  if (vm && !vm.protected) void vscode.window.showInformationMessage(`"${vm.name}" is not protected: it can be deleted.`);
  else if (vm) await runJob(ctx, { kind: "unprotect", vm: vm.name });
};

/** The VM for a snapshot action; a VZ VM gets the one sentence why there are none. */
async function snapshotVm(ctx: Ctx, arg: unknown, action: string): Promise<Vm | undefined> {
  const vm = await vmFromArg(ctx, arg, isKnown, action);
  if (vm && !snapshotsSupported(vm)) {
    void vscode.window.showInformationMessage(VZ_NO_SNAPSHOTS);
    return undefined;
  }
  return vm;
}

export const createSnapshot = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await snapshotVm(ctx, arg, "snapshotted");
  if (!vm) return;
  const tag = await vscode.window.showInputBox({
    title: `Snapshot of "${vm.name}"`,
    prompt: "Snapshot name (a checkpoint to go back to)",
    value: "checkpoint",
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        checkSnapshotTag(v);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  if (tag) await runJob(ctx, { kind: "snapshot", vm: vm.name, snapshot: { action: "create", tag } });
};

async function pickSnapshot(ctx: Ctx, vm: Vm, title: string): Promise<string | undefined> {
  const snaps = await ctx.helper.snapshots(vm.name);
  if (snaps.length === 0) {
    void vscode.window.showInformationMessage(`"${vm.name}" has no snapshots yet. Make one with Create Snapshot….`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    snaps.map((s) => ({ label: s.tag, description: s.date ?? "" })),
    { title, placeHolder: "Choose a snapshot" },
  );
  return picked?.label;
}

/** Reset to checkpoint: the VM's disk goes back to the snapshot; what was written since is lost. */
export const applySnapshot = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await snapshotVm(ctx, arg, "reset to a checkpoint");
  const tag = vm && (await pickSnapshot(ctx, vm, `Reset "${vm.name}" to a checkpoint`));
  if (!vm || !tag) return;
  const action = "Reset";
  const choice = await vscode.window.showWarningMessage(
    `Reset "${vm.name}" to snapshot "${tag}"?`,
    { modal: true, detail: "Everything the VM wrote since that snapshot is lost." },
    action,
  );
  if (choice === action) await runJob(ctx, { kind: "snapshot", vm: vm.name, snapshot: { action: "apply", tag } });
};

export const deleteSnapshot = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await snapshotVm(ctx, arg, "cleaned of a snapshot");
  const tag = vm && (await pickSnapshot(ctx, vm, `Delete a snapshot of "${vm.name}"`));
  if (vm && tag) await runJob(ctx, { kind: "snapshot", vm: vm.name, snapshot: { action: "delete", tag } });
};

/** Start at Login on or off: the row menu offers only the one that changes something. */
export const startAtLogin = (on: boolean) => (ctx: Ctx) => async (arg?: unknown) => {
  const fits = (v: Vm) => isKnown(v) && Boolean(v.startsAtLogin) !== on;
  const vm = await vmFromArg(ctx, arg, fits, on ? "set to start at login" : "kept from starting at login");
  if (vm) await runJob(ctx, { kind: "autostart", vm: vm.name, autostart: on });
};
