// The host folder a task's project is cloned from: the window's first folder, when it is on this
// computer (a remote window's folder is not the helper's to clone).
import * as vscode from "vscode";

export function localProjectFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder?.scheme === "file" ? folder.fsPath : undefined;
}
