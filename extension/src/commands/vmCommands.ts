// The lifecycle and convenience actions on one VM.
import * as vscode from "vscode";
import type { Vm } from "../../../helper/src/protocol";
import { limaSshConfigPath } from "../../../helper/src/shared/limaSsh";
import { existsSync } from "node:fs";
import { readHelperConfig } from "../config";
import { HOST_LOG_SCHEME } from "../hostLogProvider";
import type { Ctx } from "../ctx";
import { sshCommand } from "../tree/format";
import { vmFromArg } from "./pickVm";
import { runJob } from "./runJob";

const isRunning = (vm: Vm) => vm.status === "Running";
const isStopped = (vm: Vm) => vm.status === "Stopped";
const any = () => true;

export const start = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isStopped, "started");
  if (vm) await runJob(ctx, { kind: "start", vm: vm.name });
};

export const stop = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, (v) => isRunning(v) || v.status === "Broken", "stopped");
  // A broken VM has half its processes gone: only a forced stop can clean it up.
  if (vm) await runJob(ctx, { kind: "stop", vm: vm.name, force: vm.status === "Broken" });
};

export const restart = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isRunning, "restarted");
  if (vm) await runJob(ctx, { kind: "restart", vm: vm.name });
};

export const remove = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, any, "deleted");
  if (!vm) return;
  if (vm.protected) return explainProtected(ctx, vm);
  const live = vm.status !== "Stopped";
  const action = live ? "Force Delete" : "Delete";
  const detail = live
    ? `"${vm.name}" is ${vm.status.toLowerCase()}: it will be killed, and its disk and everything in it deleted.`
    : `Its disk and everything in it will be deleted.`;
  const choice = await vscode.window.showWarningMessage(`Delete VM "${vm.name}"?`, { modal: true, detail }, action);
  if (choice === action) await runJob(ctx, { kind: "delete", vm: vm.name, force: live });
};

/** A protected VM (your dev VM) is not deleted: say how protection comes off, and offer it. */
async function explainProtected(ctx: Ctx, vm: Vm): Promise<void> {
  const action = "Remove Protection";
  const detail = `Remove the protection first (Remove Deletion Protection in its menu, or nixlima unprotect ${vm.name} in a terminal), then delete it.`;
  const choice = await vscode.window.showWarningMessage(`"${vm.name}" is protected against deletion.`, { modal: true, detail }, action);
  if (choice === action) await runJob(ctx, { kind: "unprotect", vm: vm.name });
}

/** An ssh session to the VM's host, defined by Lima's own ssh.config: it works for any VM. */
export const openTerminal = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isRunning, "opened in a terminal");
  if (vm) openTerminalFor(vm);
};

export function openTerminalFor(vm: Vm): void {
  const terminal = vscode.window.createTerminal({
    name: `nixlima: ${vm.name}`,
    shellPath: "ssh",
    shellArgs: ["-F", limaSshConfigPath(vm), vm.hostname],
    iconPath: new vscode.ThemeIcon("vm"),
  });
  terminal.show();
}

export const showLogs = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, any, "shown");
  if (!vm) return;
  if (!existsSync(`${vm.dir}/ha.stderr.log`)) {
    void vscode.window.showInformationMessage(`"${vm.name}" has no host agent log yet: it is written when the VM starts.`);
    return;
  }
  // Read-only and readable: Lima's JSON lines as time, level and message (see hostLogProvider).
  const uri = vscode.Uri.from({ scheme: HOST_LOG_SCHEME, path: `/${vm.name} host agent log`, query: `${vm.dir}/ha.stderr.log` });
  await vscode.window.showTextDocument(uri, { preview: true });
};

export const copySshCommand = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isRunning, "reached over ssh");
  if (!vm) return;
  const command = sshCommand(vm, readHelperConfig().manageSshConfig);
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(`Copied: ${command}`);
};

export const revealDirectory = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, any, "revealed");
  if (vm) await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(vm.dir));
};
