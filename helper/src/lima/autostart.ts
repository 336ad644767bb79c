// Start at Login, with Lima's own mechanism for the installed version: `limactl autostart
// enable|disable` (Lima 2.2 and later) or `limactl start-at-login --enabled=…` before it. Lima
// writes and removes the launchd agent (macOS) or systemd user unit (Linux); nixlima only reads
// whether that file exists, at the path Lima uses, to show which VMs start at login.
import { NixlimaError } from "../errors";
import { compareVersions, type Limactl } from "./limactl";
import { checkVmName } from "../shared/vmNames";
import { inspectVm, refuseBroken, runLogged, type Reporter } from "./operations";

const QUICK_TIMEOUT_MS = 2 * 60_000;
export const AUTOSTART_SINCE = "2.2.0";

/** limactl's argv to turn Start at Login on or off, for the installed Lima. */
export function autostartArgs(version: string, name: string, on: boolean): string[] {
  if (compareVersions(version, AUTOSTART_SINCE) >= 0) return ["autostart", on ? "enable" : "disable", name];
  return ["start-at-login", name, `--enabled=${on}`];
}

export async function setStartAtLogin(l: Limactl, name: string, on: boolean, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(name);
  refuseBroken(await inspectVm(l, name, r, signal));
  r.progress({ stage: on ? "Turning on Start at Login" : "Turning off Start at Login", message: name });
  try {
    await runLogged(l, autostartArgs(l.version, name, on), r, signal, QUICK_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof NixlimaError && /not supported|systemctl|exit status/.test(err.message)) {
      throw new NixlimaError(
        "failed",
        `Lima could not ${on ? "register" : "unregister"} VM \`${name}\` to start at login: ${err.message}`,
        "Start at Login needs launchd (macOS) or a systemd user session (Linux).",
      );
    }
    throw err;
  }
  r.progress({ stage: on ? "Starts at login" : "Does not start at login", message: name, fraction: 1 });
}
