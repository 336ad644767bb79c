// Runs `nixlima …` in-process through runCli, against the real limactl and a temporary
// LIMA_HOME, and collects what it printed.
import { Writable } from "node:stream";
import { runCli } from "../../src/cli/main";
import { limactlPath, qemuEnv } from "../../../test/support/lima";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export async function nixlima(limaHome: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out = collector();
  const err = collector();
  const code = await runCli(args, {
    stdout: out.stream,
    stderr: err.stream,
    interactive: false,
    env: { ...process.env, ...qemuEnv, LIMA_HOME: limaHome, NIXLIMA_LIMACTL: limactlPath, ...env },
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
