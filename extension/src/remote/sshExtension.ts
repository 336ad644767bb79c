// Which Remote-SSH extension this editor has: Microsoft's in VS Code, open-remote-ssh in
// VSCodium and other builds without access to Microsoft's marketplace. With none, say so and
// offer to install the right one instead of failing silently.
import * as vscode from "vscode";
import { tryInstall } from "./installFailure";

export const REMOTE_SSH_IDS = ["ms-vscode-remote.remote-ssh", "jeanp413.open-remote-ssh"] as const;

export function installedRemoteSsh(): string | undefined {
  return REMOTE_SSH_IDS.find((id) => vscode.extensions.getExtension(id) !== undefined);
}

/** The extension a user of this editor can install: Microsoft's only exists on its marketplace. */
export function installableRemoteSsh(appName: string = vscode.env.appName): string {
  return /visual studio code/i.test(appName) ? REMOTE_SSH_IDS[0] : REMOTE_SSH_IDS[1];
}

/** True when a Remote-SSH extension is there, or the offer to install one just installed it. */
export async function ensureRemoteSsh(log: vscode.LogOutputChannel): Promise<boolean> {
  if (installedRemoteSsh()) return true;
  const id = installableRemoteSsh();
  const install = "Install Remote - SSH";
  const choice = await vscode.window.showInformationMessage(
    `Opening a VM in VS Code needs a Remote-SSH extension, and none is installed (${id} fits this editor).`,
    install,
  );
  if (choice !== install) return false;
  const outcome = await tryInstall(id, (ext) => vscode.commands.executeCommand("workbench.extensions.installExtension", ext));
  if (outcome.kind === "installed") return installedRemoteSsh() !== undefined;
  if (outcome.kind === "failed") {
    // The raw error (getaddrinfo …) goes to the log; the person reads one sentence.
    log.error(`Installing ${id} failed: ${outcome.detail}`);
    const showLog = "Show Log";
    void vscode.window.showErrorMessage(outcome.sentence, showLog).then((c) => c === showLog && log.show());
  }
  return false;
}

/**
 * A browser VS Code has no local ssh, so offering to install Remote-SSH there cannot help: true
 * in a browser with no Remote-SSH extension. Where one is installed, it is the user's choice.
 */
export const remoteSshImpossible = (): boolean => vscode.env.uiKind === vscode.UIKind.Web && installedRemoteSsh() === undefined;
