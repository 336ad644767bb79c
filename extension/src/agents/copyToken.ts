// "Copy Claude Token to VM…": the user's long-lived Claude login (~/.claude/.credentials.json)
// into a VM, after a confirmation naming the file and the VM. It travels on ssh's stdin into a
// file created with mode 0600 by a fixed remote command; its content is never logged.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import * as vscode from "vscode";
import type { Vm } from "../../../helper/src/protocol";
import { copyTokenArgv } from "./copyTokenCommand";

const TOKEN_FILE = join(homedir(), ".claude", ".credentials.json");
export async function copyClaudeTokenTo(vm: Vm, log: vscode.LogOutputChannel): Promise<void> {
  let token: Buffer;
  try {
    token = await readFile(TOKEN_FILE);
  } catch {
    void vscode.window.showErrorMessage(`There is no ${TOKEN_FILE}: log in with \`claude\` on this machine first.`);
    return;
  }
  const copy = "Copy Token";
  const choice = await vscode.window.showWarningMessage(
    `Copy ${TOKEN_FILE} into VM "${vm.name}"?`,
    {
      modal: true,
      detail: `It holds your long-lived Claude login. It is written to ~/.claude/.credentials.json of ${vm.guestUser ?? "the VM's user"} in "${vm.name}" (mode 0600): anything running there, agents included, can use your Claude account until you log out.`,
    },
    copy,
  );
  if (choice !== copy) return;
  log.info(`Copying ${TOKEN_FILE} into ${vm.name} over ssh (content not logged)`);
  const child = spawn("ssh", copyTokenArgv(vm), { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(token);
  const code = await new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("close", resolve);
  });
  if (code === 0) {
    void vscode.window.showInformationMessage(`Copied the Claude token into ${vm.name}.`);
  } else {
    const why = stderr.trim().split("\n").at(-1) ?? "";
    log.error(`Copy Claude token to ${vm.name}: ssh failed (${code ?? "not started"}) ${why}`);
    void vscode.window.showErrorMessage(`Could not copy the Claude token into ${vm.name}: ssh failed${why ? `: ${why}` : "."}`);
  }
}
