// Which Remote-SSH extension this editor has: Microsoft's in VS Code, open-remote-ssh in
// VSCodium and other builds without access to Microsoft's marketplace. With none, say so and
// offer to install the right one instead of failing silently.
import * as vscode from "vscode";

export const REMOTE_SSH_IDS = ["ms-vscode-remote.remote-ssh", "jeanp413.open-remote-ssh"] as const;

export function installedRemoteSsh(): string | undefined {
  return REMOTE_SSH_IDS.find((id) => vscode.extensions.getExtension(id) !== undefined);
}

/** The extension a user of this editor can install: Microsoft's only exists on its marketplace. */
export function installableRemoteSsh(appName: string = vscode.env.appName): string {
  return /visual studio code/i.test(appName) ? REMOTE_SSH_IDS[0] : REMOTE_SSH_IDS[1];
}

/** True when a Remote-SSH extension is there; otherwise offers to install one and returns false. */
export async function ensureRemoteSsh(log: vscode.LogOutputChannel): Promise<boolean> {
  if (installedRemoteSsh()) return true;
  const id = installableRemoteSsh();
  const install = "Install Remote - SSH";
  const choice = await vscode.window.showInformationMessage(
    `Opening a VM in VS Code needs a Remote-SSH extension, and none is installed (${id} fits this editor).`,
    install,
  );
  if (choice !== install) return false;
  try {
    await vscode.commands.executeCommand("workbench.extensions.installExtension", id);
  } catch (err) {
    // Offline the marketplace answers with a resolver error (getaddrinfo …): the log keeps it.
    log.error(`Installing ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(
      `${id} could not be installed: the extension marketplace cannot be reached. Install it once you are online, or from a .vsix file (Extensions: Install from VSIX…).`,
    );
  }
  return false;
}

/**
 * A browser VS Code has no local ssh, so offering to install Remote-SSH there cannot help: true
 * in a browser with no Remote-SSH extension. Where one is installed, it is the user's choice.
 */
export const remoteSshImpossible = (): boolean => vscode.env.uiKind === vscode.UIKind.Web && installedRemoteSsh() === undefined;
