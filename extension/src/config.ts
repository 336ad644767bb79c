// nixlima's settings. Changing one that the helper is started with needs a new helper, so the
// extension reconnects when any of them changes.
import * as vscode from "vscode";
import type { HelperConfig } from "../../helper/src/protocol";

export const helperSettings = ["nixlima.limactlPath", "nixlima.limaHome"];

export function readHelperConfig(): HelperConfig {
  const c = vscode.workspace.getConfiguration("nixlima");
  const nonEmpty = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);
  return {
    limactlPath: nonEmpty(c.get<string>("limactlPath")),
    limaHome: nonEmpty(c.get<string>("limaHome")),
  };
}
