// Commands that act on nixlima itself rather than on one VM.
import * as vscode from "vscode";
import type { DoctorCheck } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { doctorHtml } from "../doctorReport";
import { remoteSshCheck } from "../remote/remoteSshCheck";
import { installableRemoteSsh, installedRemoteSsh } from "../remote/sshExtension";

export const refresh = (ctx: Ctx) => async () => {
  ctx.store.setSnapshot(await ctx.helper.listVms());
};

export const showOutput = (ctx: Ctx) => () => ctx.log.show();

export const doctor = (ctx: Ctx) => async () => {
  const checks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "nixlima: checking this machine" },
    () => ctx.helper.doctor(),
  );
  checks.push(remoteSshCheck(installedRemoteSsh(), installableRemoteSsh(), vscode.env.uiKind === vscode.UIKind.Web));
  showDoctorPage(checks);
};

let page: vscode.WebviewPanel | undefined;

/** A read-only page (closing it never asks to save), reused by "Check again". */
function showDoctorPage(checks: DoctorCheck[]): void {
  if (!page) {
    page = vscode.window.createWebviewPanel("nixlima.doctor", "nixlima Doctor", vscode.ViewColumn.Active, { enableCommandUris: true });
    page.onDidDispose(() => (page = undefined));
  }
  page.webview.html = doctorHtml(checks, installableRemoteSsh());
  page.reveal();
}
