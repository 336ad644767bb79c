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

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() !== "" ? v.trim() : undefined;
}
