// Show Logs opens `nixlima-log:/NAME host agent log?FILE`: a read-only document (no save prompt)
// whose text is the host agent's log in readable lines.
import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import { readableLog } from "./hostLogWords";

export const HOST_LOG_SCHEME = "nixlima-log";

export function registerHostLogProvider(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(HOST_LOG_SCHEME, {
    provideTextDocumentContent: async (uri) => {
      try {
        return readableLog(await readFile(uri.query, "utf8"));
      } catch (err) {
        return `The log ${uri.query} cannot be read: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
  });
}
