// Opening a VM in a Remote-SSH window, and the ssh config that makes its host reachable.
import { homedir } from "node:os";
import * as vscode from "vscode";
import type { Vm } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { ensureRemoteSsh, remoteSshImpossible } from "../remote/sshExtension";
import { remoteTarget, remoteUriString } from "../remote/remoteTarget";
import { prepareRemoteSshSettings } from "../remote/sshSettings";
import { vmFromArg } from "./pickVm";
import { runJob } from "./runJob";
import { openTerminalFor } from "./vmCommands";

const openable = (vm: Vm) => vm.status === "Running" || vm.status === "Stopped";

async function open(ctx: Ctx, arg: unknown, newWindow: boolean): Promise<void> {
  const vm = await vmFromArg(ctx, arg, openable, "opened");
  if (!vm) return;
  if (remoteSshImpossible()) return offerTerminal(ctx, vm);
  if (!(await ensureRemoteSsh(ctx.log))) return;
  // The store may not have seen the refresh after the start yet: the job's own outcome decides.
  if (vm.status === "Stopped" && (await runJob(ctx, { kind: "start", vm: vm.name }))?.state !== "succeeded") return; // it said why
  await ensureHostReachable(ctx);
  await prepareRemoteSshSettings(vscode.workspace.getConfiguration("remote.SSH"), vm.hostname);
  const overrides = vscode.workspace.getConfiguration("nixlima").get<Record<string, string>>("remoteFolder", {});
  const target = remoteTarget(vm, homedir(), overrides);
  const uri = vscode.Uri.from({ scheme: "vscode-remote", authority: target.authority, path: target.folder });
  ctx.log.info(`Opening ${remoteUriString(target)}${newWindow ? " in a new window" : ""}`);
  await vscode.commands.executeCommand("vscode.openFolder", uri, { forceNewWindow: newWindow });
}

/** In a browser VS Code, what works there instead of a Remote-SSH window: a terminal in the VM. */
async function offerTerminal(ctx: Ctx, vm: Vm): Promise<void> {
  const stopped = vm.status === "Stopped";
  const terminal = stopped ? "Start and Open Terminal" : "Open Terminal";
  const choice = await vscode.window.showInformationMessage(
    `VS Code in a browser cannot open "${vm.name}" in a window of its own (Remote-SSH needs desktop VS Code); a terminal in the VM works here.`,
    terminal,
  );
  if (choice !== terminal) return;
  if (stopped && (await runJob(ctx, { kind: "start", vm: vm.name }))?.state !== "succeeded") return; // it said why
  openTerminalFor(ctx.store.vm(vm.name) ?? vm);
}

/** Remote-SSH resolves `lima-NAME` through the user's ssh config: make sure nixlima's Include is there. */
async function ensureHostReachable(ctx: Ctx): Promise<void> {
  if (!vscode.workspace.getConfiguration("nixlima").get<boolean>("manageSshConfig", true)) return;
  try {
    await ctx.helper.sshSync();
  } catch (err) {
    ctx.log.warn(`ssh config not updated: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const openInNewWindow = (ctx: Ctx) => (arg?: unknown) => open(ctx, arg, true);
export const openInCurrentWindow = (ctx: Ctx) => (arg?: unknown) => open(ctx, arg, false);
export const connect = (ctx: Ctx) => () => open(ctx, undefined, true);

export const removeSshConfig = (ctx: Ctx) => async () => {
  const remove = "Remove";
  const choice = await vscode.window.showWarningMessage(
    "Remove nixlima's hosts from your ssh config?",
    { modal: true, detail: "Your ssh config is left exactly as it was before nixlima changed it; `ssh lima-NAME` will no longer work." },
    remove,
  );
  if (choice !== remove) return;
  const report = await ctx.helper.sshRemove();
  void vscode.window.showInformationMessage(
    report.changed ? `Removed nixlima's hosts from ${report.userConfigPath}.` : `${report.userConfigPath} has nothing of nixlima's.`,
  );
};

/** nixlima could not write the ssh config (read-only, damaged markers): tell the user once. */
export function showSshProblem(message: string, manualLine: string | undefined, shown: Set<string>): void {
  if (shown.has(message)) return;
  shown.add(message);
  const copy = "Copy Include Line";
  void vscode.window.showWarningMessage(`nixlima could not update your ssh config: ${message}`, ...(manualLine ? [copy] : [])).then(async (choice) => {
    if (choice === copy && manualLine) await vscode.env.clipboard.writeText(manualLine);
  });
}
