// Test support: runs the real dispatch script in bash on this machine (no VM, no ssh), with
// FAKE agent programs put first on PATH, and follows its report as dispatch does.
import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { followGuestReport, type GuestReport } from "../../src/dispatch/guestReport";
import { DISPATCH_SCRIPT, DONE_MARKER } from "../../src/dispatch/remoteScript";

export const RUN_ID = "0123abcd4567ef89";
export const TAG = `@nixlima-${RUN_ID}`;

export interface LocalRun {
  dir: string;
  exitCode: number | undefined;
  report: GuestReport;
  rounds: number[];
  /** The lines passed on as the agent's output, as "stream: line". */
  lines: string[];
}

/** What a run may get beyond the prompt: the task's variables (sent on stdin), a HOME, a workdir of the test's own. */
export interface LocalOptions {
  secrets?: Record<string, string>;
  home?: string;
  workdir?: string;
  /** Stops the run after this long as the host does, by closing its stdin (its lifeline). */
  stopAfterMs?: number;
}

/** Runs `agent` (a program named so in `fakes`, written to a scratch folder) on `prompt`, once. */
export async function runDispatchLocally(agent: string, prompt: string, fakes: Record<string, string>, options: LocalOptions = {}): Promise<LocalRun> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "nixlima-dispatch-")));
  try {
    for (const [name, text] of Object.entries(fakes)) {
      await writeFile(join(dir, name), text);
      await chmod(join(dir, name), 0o755);
    }
    // Detached: the script's lifeline kills its own process group, which must not be the test's.
    const child = execa("bash", ["-c", DISPATCH_SCRIPT, "bash", RUN_ID, agent, options.workdir ?? dir, "1", DONE_MARKER], {
      detached: true,
      reject: false,
      // The script clears all else for the agent anyway.
      env: { PATH: `${dir}:${process.env.PATH}`, ...(options.home ? { HOME: options.home } : {}) },
      extendEnv: false,
    });
    const secrets = Object.entries(options.secrets ?? {}).map(([name, value]) => `${name}=${value}\n`).join("");
    child.stdin!.write(`${secrets}\n${Buffer.from(prompt).toString("base64")}\n`); // the secrets, then the prompt; stdin stays open
    const lines: string[] = [];
    const rounds: number[] = [];
    const report = followGuestReport(child.stdout!, child.stderr!, TAG, { output: (line, stream) => lines.push(`${stream}: ${line}`), round: (r) => rounds.push(r) });
    const stop = options.stopAfterMs ? setTimeout(() => child.stdin!.end(), options.stopAfterMs) : undefined;
    const result = await child;
    clearTimeout(stop);
    child.stdin!.end();
    return { dir, exitCode: result.exitCode, report, rounds, lines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
