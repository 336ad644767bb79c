// Runs a probe command for a doctor check: no shell, a short timeout, never throws.
import { execa } from "execa";

export interface ProbeResult {
  /** undefined when the command could not be started (not installed). */
  exitCode: number | undefined;
  output: string;
}

export async function probe(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<ProbeResult> {
  try {
    const r = await execa(cmd, args, { env, reject: false, timeout: timeoutMs, stdin: "ignore", all: true });
    return { exitCode: r.failed && r.exitCode === undefined ? undefined : r.exitCode, output: String(r.all ?? "").trim() };
  } catch {
    return { exitCode: undefined, output: "" };
  }
}

/** The first line a command prints when it succeeds. */
export async function firstLine(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await probe(cmd, args, env);
  return r.exitCode === 0 ? r.output.split("\n")[0] || undefined : undefined;
}
