// Commands that act on nixlima itself rather than on one VM.
import * as vscode from "vscode";
import type { DoctorCheck } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";
import { doctorMarkdown } from "../doctorReport";
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
  checks.push(remoteSshCheck());
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: doctorMarkdown(checks) });
  await vscode.window.showTextDocument(doc, { preview: true });
};

function remoteSshCheck(): DoctorCheck {
  const id = installedRemoteSsh();
  return id
    ? { id: "remote-ssh", title: "Remote-SSH extension", ok: true, detail: `${id} is installed.` }
    : {
        id: "remote-ssh",
        title: "Remote-SSH extension",
        ok: false,
        detail: "No Remote-SSH extension is installed, so VMs cannot be opened in a VS Code window.",
        fix: `Install ${installableRemoteSsh()} from the Extensions view.`,
      };
}
