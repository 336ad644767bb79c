// Restricted Mode. nixlima's explorer, VM operations and CLI never read the workspace, so they run
// in an untrusted one (package.json: capabilities.untrustedWorkspaces "limited"). The few steps
// that offer the workspace's own files go through here: untrusted, they offer nothing of it and
// say why, with a row that opens VS Code's trust editor.
import * as vscode from "vscode";

export interface TrustRow extends vscode.QuickPickItem {
  trust: true;
}

export const isTrusted = (): boolean => vscode.workspace.isTrusted;

/** The workspace folders nixlima may offer: none in Restricted Mode. */
export function trustedFolders(): readonly vscode.WorkspaceFolder[] {
  return isTrusted() ? (vscode.workspace.workspaceFolders ?? []) : [];
}

/** A quick-pick row for Restricted Mode: `what` (e.g. "its PROMPT.md files") is offered once trusted. */
export function trustRow(what: string): TrustRow {
  return {
    label: "$(workspace-untrusted) Trust This Workspace…",
    description: `Restricted Mode: ${what} are offered once you trust it`,
    trust: true,
  };
}

export function isTrustRow(item: unknown): item is TrustRow {
  return typeof item === "object" && item !== null && (item as { trust?: unknown }).trust === true;
}

/** Opens VS Code's own trust editor; the command that asked ends there (the user runs it again). */
export async function manageTrust(): Promise<void> {
  await vscode.commands.executeCommand("workbench.trust.manage");
}
