// Commands run from the palette have no row: ask which VM, offering only those the action fits.
import * as vscode from "vscode";
import type { Vm } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { describeVm } from "../tree/format";
import { VmItem } from "../tree/vmTreeProvider";

export async function vmFromArg(ctx: Ctx, arg: unknown, fits: (vm: Vm) => boolean, action: string): Promise<Vm | undefined> {
  if (arg instanceof VmItem) return ctx.store.vm(arg.vm.name) ?? arg.vm;
  // A VM's name, from a notification's button ("Open" after a create).
  if (typeof arg === "string" && ctx.store.vm(arg)) return ctx.store.vm(arg);
  const candidates = ctx.store.vms().filter(fits);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`No VM can be ${action} right now.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((vm) => ({ label: vm.name, description: describeVm(vm, ctx.store.runningJob(vm.name)), vm })),
    { title: `VM to ${action.replace(/ed$/, "")}`, placeHolder: "Choose a VM" },
  );
  return picked?.vm;
}
