// Commands that act on nixlima itself rather than on one VM.
import * as vscode from "vscode";
import type { DoctorCheck } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";

export const refresh = (ctx: Ctx) => async () => {
  ctx.store.setSnapshot(await ctx.helper.listVms());
};

export const showOutput = (ctx: Ctx) => () => ctx.log.show();

export const doctor = (ctx: Ctx) => async () => {
  const checks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "nixlima: checking this machine" },
    () => ctx.helper.doctor(),
  );
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: doctorMarkdown(checks) });
  await vscode.window.showTextDocument(doc, { preview: true });
};

export function doctorMarkdown(checks: DoctorCheck[]): string {
  const failed = checks.filter((c) => !c.ok).length;
  const lines = [
    "# nixlima doctor",
    "",
    failed === 0 ? "Everything nixlima needs is in place." : `${failed} of ${checks.length} checks need attention.`,
    "",
  ];
  for (const c of checks) {
    lines.push(`## ${c.ok ? "✅" : "❌"} ${c.title}`, "", c.detail, "");
    if (c.fix) lines.push(`**Fix:** ${c.fix}`, "");
  }
  return lines.join("\n");
}
