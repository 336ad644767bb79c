// nixlima's settings, and the Remote-SSH settings it reads. Changing one that the helper is
// started with needs a new helper, so the extension reconnects when any of them changes.
import * as vscode from "vscode";
import type { HelperConfig } from "../../helper/src/protocol";
import { expandPath } from "./remote/expandPath";

export const helperSettings = ["nixlima.limactlPath", "nixlima.limaHome", "nixlima.manageSshConfig", "remote.SSH.configFile"];

export function readHelperConfig(): HelperConfig {
  const c = vscode.workspace.getConfiguration("nixlima");
  const sshConfigFile = nonEmpty(vscode.workspace.getConfiguration("remote.SSH").get<string>("configFile"));
  return {
    limactlPath: nonEmpty(c.get<string>("limactlPath")),
    limaHome: nonEmpty(c.get<string>("limaHome")),
    sshConfigFile: sshConfigFile ? expandPath(sshConfigFile) : undefined,
    manageSshConfig: c.get<boolean>("manageSshConfig", true),
  };
}

/**
 * The flake images are built from (`nixlima.flake`), sent with each request rather than given
 * to the helper, so windows with different flakes share one helper; undefined: the bundled one.
 * Nix does not expand `~`; `github:o/r` and absolute paths pass as they are.
 */
export function configuredFlake(): string | undefined {
  const value = nonEmpty(vscode.workspace.getConfiguration("nixlima").get<string>("flake"));
  return value?.startsWith("~") ? expandPath(value) : value;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() !== "" ? v.trim() : undefined;
}
