// Remote-SSH settings for a VM's host, written before opening it so Remote-SSH asks no questions:
// the platform (Linux), and a connect timeout long enough for a VM that is still booting. A value
// the user set is never overwritten.
import * as vscode from "vscode";

const BOOTING_VM_TIMEOUT_SECONDS = 60;

export async function prepareRemoteSshSettings(host: string): Promise<void> {
  const config = vscode.workspace.getConfiguration("remote.SSH");
  const platforms = config.inspect<Record<string, string>>("remotePlatform")?.globalValue ?? {};
  if (platforms[host] === undefined) {
    await config.update("remotePlatform", { ...platforms, [host]: "linux" }, vscode.ConfigurationTarget.Global);
  }
  if (config.inspect<number>("connectTimeout")?.globalValue === undefined) {
    await config.update("connectTimeout", BOOTING_VM_TIMEOUT_SECONDS, vscode.ConfigurationTarget.Global);
  }
}
