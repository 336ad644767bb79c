// Running the real limactl against a temporary LIMA_HOME in end-to-end tests: the call itself,
// the instance's logs when something fails, and a clean-up that never leaves a VM running.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { limactlPath, qemuEnv } from "./lima";

export function limaEnv(limaHome: string): Record<string, string> {
  return { LIMA_HOME: limaHome, ...qemuEnv };
}

/** Runs limactl (no shell, no tty); rejects with its stderr on a non-zero exit. */
export async function limactl(limaHome: string, args: string[], options: { input?: string; timeoutMs?: number } = {}) {
  return execa(limactlPath, ["--tty=false", ...args], {
    env: limaEnv(limaHome),
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    forceKillAfterDelay: 5_000,
  });
}

/** The last lines of the instance's serial consoles and host-agent log, for a failure message. */
export function instanceLogTail(limaHome: string, name: string, lines = 40): string {
  const dir = join(limaHome, name);
  if (!existsSync(dir)) return `(no instance directory ${dir})`;
  const logs = readdirSync(dir).filter((f) => /^serial.*\.log$/.test(f) || f === "ha.stderr.log");
  return logs
    .map((f) => {
      const text = readFileSync(join(dir, f), "utf8").split("\n").slice(-lines).join("\n");
      return `----- ${f} (last ${lines} lines) -----\n${text}`;
    })
    .join("\n");
}

/** Best-effort: stop (forced) and delete the instance, whatever state a failed test left it in. */
export async function destroyInstance(limaHome: string, name: string): Promise<void> {
  for (const args of [["stop", "-f", name], ["delete", "-f", name]]) {
    await execa(limactlPath, ["--tty=false", ...args], { env: limaEnv(limaHome), reject: false, timeout: 60_000 });
  }
}

/** Seconds since `start`, one decimal, for the duration lines the e2e tests print. */
export function secondsSince(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1);
}
