// Running the real limactl against a temporary LIMA_HOME in end-to-end tests: the call itself,
// the instance's logs when something fails, and a clean-up that never leaves a VM running.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { limactlPath, qemuEnv } from "./lima";
import { testVmConfig } from "./testVm";

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

/** Runs a bash script in the running VM as Lima's user; its stdout. */
export async function guestShell(limaHome: string, vm: string, script: string, input?: string): Promise<string> {
  const { stdout } = await limactl(limaHome, ["shell", vm, "--", "bash", "-c", script], { input });
  return stdout;
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

/**
 * Creates `name` (the test guest, or `yaml`) and starts it to READY, printing the guest's logs if
 * that fails and the boot time, prefixed with `label`, if it works.
 */
export async function bootTestVm(limaHome: string, name: string, label: string, yaml = stringify(testVmConfig({}))): Promise<void> {
  const start = performance.now();
  await limactl(limaHome, ["create", "--name", name, "-"], { input: yaml });
  try {
    await limactl(limaHome, ["start", name], { timeoutMs: 600_000 });
  } catch (err) {
    console.error(instanceLogTail(limaHome, name));
    throw err;
  }
  console.log(`${label}: test VM up in ${secondsSince(start)} s`);
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
