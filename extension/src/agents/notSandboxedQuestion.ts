// Before a dispatch: the helper refuses a VM whose guest does not show an agent sandbox unless
// the person agreed, so the extension asks first, with a modal, from a fresh audit of each VM.
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { DISPATCH_ANYWAY, notSandboxedQuestion, type SandboxCheck } from "./notSandboxedWords";

/** false: every VM is a sandbox; true: the person chose Dispatch Anyway; undefined: cancelled. */
export async function askNotSandboxed(ctx: Ctx, vms: string[]): Promise<boolean | undefined> {
  const checks = await Promise.all(
    vms.map(async (vm): Promise<SandboxCheck> => {
      try {
        const audit = await ctx.helper.audit(vm);
        ctx.store.setAudit(vm, { audit });
        return { vm, audit };
      } catch (err) {
        return { vm, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const question = notSandboxedQuestion(checks);
  if (!question) return false;
  const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, DISPATCH_ANYWAY);
  return choice === DISPATCH_ANYWAY ? true : undefined;
}
