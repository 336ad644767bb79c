// Runs a nixlima CLI entry point in-process, non-interactive, and keeps what it printed.
import { PassThrough } from "node:stream";
import type { CliIO } from "../../helper/src/cli/command";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function captureCli(run: (io: CliIO) => Promise<number>, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await run({ stdout, stderr, env, interactive: false });
  return { code, out, err };
}
