// "Copy Claude Token to VM…": after a confirmation naming the file and the VM, the helper copies
// the user's long-lived Claude login into the VM (it reads the file and runs ssh; the window
// touches neither, and the token's content never passes through it).
import * as vscode from "vscode";
import { AgentRequests, type Vm } from "../../../helper/src/protocol";
import { request } from "../../../helper/src/rpc";
import type { HelperClient } from "../helperClient";

export async function copyClaudeTokenTo(vm: Vm, helper: HelperClient, log: vscode.LogOutputChannel): Promise<void> {
  const conn = await helper.ready();
  const token = await request(conn, AgentRequests.claudeTokenFind, {});
  if (!token.present) {
    void vscode.window.showErrorMessage(`There is no ${token.path}: log in with claude on this machine first.`);
    return;
  }
  const copy = "Copy Token";
  const choice = await vscode.window.showWarningMessage(
    `Copy ${token.path} into VM "${vm.name}"?`,
    {
      modal: true,
      detail: `It holds your long-lived Claude login. It is written to ~/.claude/.credentials.json of ${vm.guestUser ?? "the VM's user"} in "${vm.name}" (mode 0600): anything running there, agents included, can use your Claude account until you log out.`,
    },
    copy,
  );
  if (choice !== copy) return;
  log.info(`Copying ${token.path} into ${vm.name} over ssh (content not logged)`);
  try {
    await request(conn, AgentRequests.claudeTokenCopy, { vm: vm.name });
    void vscode.window.showInformationMessage(`Copied the Claude token into ${vm.name}.`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`Copy Claude token to ${vm.name}: ${message}`);
    void vscode.window.showErrorMessage(message);
  }
}
