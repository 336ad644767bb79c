// Remote-SSH settings for a VM's host, written before opening it so Remote-SSH asks no questions:
// the platform (Linux), and a connect timeout long enough for a VM that is still booting. A value
// the user set is never overwritten.
import type { WorkspaceConfiguration } from "vscode";

const BOOTING_VM_TIMEOUT_SECONDS = 60;

/** The user's own (global) Remote-SSH values that nixlima looks at. */
export interface RemoteSshValues {
  remotePlatform?: Record<string, string>;
  connectTimeout?: number;
}

/** What to write for `host`: only settings the user has not set themselves. */
export function remoteSshUpdates(host: string, user: RemoteSshValues): RemoteSshValues {
  const updates: RemoteSshValues = {};
  const platforms = user.remotePlatform ?? {};
  if (platforms[host] === undefined) updates.remotePlatform = { ...platforms, [host]: "linux" };
  if (user.connectTimeout === undefined) updates.connectTimeout = BOOTING_VM_TIMEOUT_SECONDS;
  return updates;
}

/** Writes `remoteSshUpdates` into the user settings; `config` is the `remote.SSH` section. */
export async function prepareRemoteSshSettings(config: WorkspaceConfiguration, host: string): Promise<void> {
  const updates = remoteSshUpdates(host, {
    remotePlatform: config.inspect<Record<string, string>>("remotePlatform")?.globalValue,
    connectTimeout: config.inspect<number>("connectTimeout")?.globalValue,
  });
  // `true`: the user (global) settings, as vscode.ConfigurationTarget.Global.
  for (const [key, value] of Object.entries(updates)) await config.update(key, value, true);
}
