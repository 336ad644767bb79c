// Starting the helper: the one process the extension itself starts (every other process runs in
// the helper, or in a terminal VS Code runs). It runs on VS Code's own Node runtime, so users
// need no separate Node, and is detached, so it and its jobs outlive a window reload.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as vscode from "vscode";
import type { HelperConfig } from "../../helper/src/protocol";

export function launchHelper(helperScript: string, config: HelperConfig, socketPath: string, log: vscode.LogOutputChannel): void {
  const args = [helperScript, "__serve", "--socket", socketPath];
  if (config.limactlPath) args.push("--limactl", config.limactlPath);
  if (config.limaHome) args.push("--lima-home", config.limaHome);
  if (config.sshConfigFile) args.push("--ssh-config", config.sshConfigFile);
  if (config.manageSshConfig) args.push("--manage-ssh-config");
  const logFd = openSync(join(dirname(socketPath), "helper.log"), "a", 0o600);
  log.info(`Starting the nixlima helper: ${process.execPath} ${args.join(" ")}`);
  spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
  }).unref();
}
