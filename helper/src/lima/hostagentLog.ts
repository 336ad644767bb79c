// When `limactl start` ends with "exiting, status={…} (hint: see …/ha.stderr.log)", the real reason
// is the host agent's last fatal/error line in that log; this finds it so the user reads that instead.
import { open } from "node:fs/promises";
import { NixlimaError } from "../errors";
import { parseLogLine } from "./limactl";
import { oneLine } from "./fatal";

const HINT_PATH = /\(hint: see [`"]([^`"]+ha\.stderr\.log)[`"]\)/;
const TAIL_BYTES = 64 * 1024;

export async function explainStartFailure(name: string, err: NixlimaError): Promise<NixlimaError> {
  const path = HINT_PATH.exec(err.message)?.[1];
  if (!path) return err;
  if (/^degraded,/.test(err.message)) {
    return new NixlimaError(
      "failed",
      `VM \`${name}\` is running but degraded: file sharing and port forwarding may not work.`,
      `See ${path}; stop it with \`nixlima stop ${name}\`.`,
    );
  }
  // The host agent may still be writing its fatal line when limactl has already given up.
  let reason = await lastProblem(path);
  for (let waited = 0; !reason && waited < 2000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    reason = await lastProblem(path);
  }
  if (!reason) return new NixlimaError(err.code, err.message, `See ${path}.`);
  return new NixlimaError("failed", `VM \`${name}\` failed to start: ${reason}`, `See ${path}.`);
}

async function lastProblem(path: string): Promise<string | undefined> {
  let text: string;
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      await file.read(buf, 0, buf.length, start);
      text = buf.toString("utf8");
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
  const lines = text.split("\n").map(parseLogLine).filter((l) => l !== undefined).reverse();
  const fatal = lines.find((l) => l.level === "fatal") ?? lines.find((l) => l.level === "error");
  return fatal?.msg ? oneLine(fatal.msg) : undefined;
}
