// Lima registers Start at Login units only where systemd runs (it looks for /run/systemd/system);
// this machine has no systemd. The wrapper written here runs the real limactl in a user+mount
// namespace whose empty /run has that folder, as the same uid; with SYSTEMD_OFFLINE=1 in the
// environment the real systemctl then enables and disables the unit files offline.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { limactlPath, qemuEnv, tempLimaHome } from "./lima";

/** Writes DIR/limactl, the wrapper around `real` (the pinned limactl by default), and returns its path. */
export function writeSystemdLimactl(dir: string, real = limactlPath): string {
  const uid = process.getuid!();
  const gid = process.getgid!();
  const wrapper = join(dir, "limactl");
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec unshare -Urm sh -c 'mount -t tmpfs none /run && mkdir -p /run/systemd/system && exec unshare -U --map-user=${uid} --map-group=${gid} "$0" "$@"' '${real}' "$@"\n`,
    { mode: 0o755 },
  );
  return wrapper;
}

/**
 * A LIMA_HOME and a scratch HOME and XDG_CONFIG_HOME, so Start at Login writes no unit of the
 * user's own; `units` is where Lima's systemd user units land.
 */
export function startAtLoginScratch() {
  const home = tempLimaHome();
  const scratch = tempLimaHome();
  const xdg = join(scratch.dir, "xdg");
  const env = { ...process.env, ...qemuEnv, HOME: join(scratch.dir, "home"), XDG_CONFIG_HOME: xdg, SYSTEMD_OFFLINE: "1" };
  mkdirSync(env.HOME, { recursive: true });
  const dispose = () => {
    home.dispose();
    scratch.dispose();
  };
  return { home, scratch, env, units: join(xdg, "systemd", "user"), dispose };
}
