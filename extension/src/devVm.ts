// Your dev VM: one VM marked in the setting nixlima.devVm. A status bar item shows its state and
// opens it over Remote-SSH in one click (starting it first when stopped); marking a VM protects
// it against deletion.
import * as vscode from "vscode";
import type { Ctx } from "./ctx";
import { openInNewWindow } from "./commands/remoteCommands";
import { vmFromArg } from "./commands/pickVm";
import { runJob } from "./commands/runJob";
import { devVmStatusText } from "./tree/devVmFormat";
import { VmItem } from "./tree/vmTreeProvider";

const SETTING = "devVm";
const devVmName = () => vscode.workspace.getConfiguration("nixlima").get<string>(SETTING, "").trim();

export function devVmStatusBar(ctx: Ctx): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("nixlima.devVm", vscode.StatusBarAlignment.Left, 50);
  item.name = "nixlima dev VM";
  item.command = "nixlima.openDevVm";
  const update = () => {
    const name = devVmName();
    if (!name) return item.hide();
    const { text, tooltip } = devVmStatusText(name, ctx.store.vm(name), ctx.store.runningJob(name));
    item.text = text;
    item.tooltip = tooltip;
    item.show();
  };
  update();
  return vscode.Disposable.from(
    item,
    ctx.store.onDidChange(update),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`nixlima.${SETTING}`) && update()),
  );
}

/** Marks a VM as the dev VM (user setting) and protects it against deletion. */
export const setDevVm = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, (v) => v.status === "Running" || v.status === "Stopped", "made your dev VM");
  if (!vm) return;
  await vscode.workspace.getConfiguration("nixlima").update(SETTING, vm.name, vscode.ConfigurationTarget.Global);
  if (!vm.protected) await runJob(ctx, { kind: "protect", vm: vm.name });
  void vscode.window.showInformationMessage(`"${vm.name}" is your dev VM: the status bar opens it, and it is protected against deletion.`);
};

/** After a dev template VM is created: offer to make it the dev VM (when none is set yet, or another). */
export async function offerDevVm(ctx: Ctx, name: string): Promise<void> {
  const make = "Make It My Dev VM";
  const current = devVmName();
  const text = current ? `Make "${name}" your dev VM instead of "${current}"?` : `Make "${name}" your dev VM? The status bar then opens it in one click, and it is protected against deletion.`;
  if ((await vscode.window.showInformationMessage(text, make)) !== make) return;
  const vm = ctx.store.vm(name);
  if (vm) await setDevVm(ctx)(new VmItem(vm, undefined));
}

/** The status bar's click: open the dev VM, or choose one when none is set or it is gone. */
export const openDevVm = (ctx: Ctx) => async () => {
  const vm = ctx.store.vm(devVmName());
  if (!vm) return setDevVm(ctx)();
  if (vm.status !== "Running" && vm.status !== "Stopped") {
    return vscode.commands.executeCommand("nixlima.vms.focus");
  }
  return openInNewWindow(ctx)(new VmItem(vm, undefined));
};
