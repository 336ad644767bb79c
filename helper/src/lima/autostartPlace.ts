// Where Lima keeps its Start at Login entries (pkg/autostart in Lima 2.2: a launchd agent on
// macOS, a systemd user unit on Linux), read to show which VMs start at login. Lima alone writes them.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface AutostartPlace {
  dir: string;
  /** The VM's name from a file name in `dir`, or undefined for other files. */
  vmOf(file: string): string | undefined;
}

/** Where Lima keeps its login entries (pkg/autostart: launchd on macOS, systemd user units on Linux). */
export function autostartPlace(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): AutostartPlace | undefined {
  const home = env.HOME || homedir();
  if (platform === "darwin") {
    return { dir: join(home, "Library", "LaunchAgents"), vmOf: (f) => /^io\.lima-vm\.autostart\.(.+)\.plist$/.exec(f)?.[1] };
  }
  if (platform === "linux") {
    return { dir: join(env.XDG_CONFIG_HOME || join(home, ".config"), "systemd", "user"), vmOf: (f) => /^lima-vm@(.+)\.service$/.exec(f)?.[1] };
  }
  return undefined;
}

/** The VMs Lima starts at login for this user. */
export function vmsStartingAtLogin(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): { supported: boolean; vms: string[] } {
  const place = autostartPlace(env, platform);
  if (!place) return { supported: false, vms: [] };
  const files = existsSync(place.dir) ? readdirSync(place.dir) : [];
  return { supported: true, vms: files.map((f) => place.vmOf(f)).filter((v): v is string => v !== undefined).sort() };
}
