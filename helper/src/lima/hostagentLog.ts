// When `limactl start` ends with "exiting, status={…} (hint: see …/ha.stderr.log)", the real reason
// is the host agent's last fatal/error line in that log; this finds it so the user reads that instead.
import { open } from "node:fs/promises";
import { NixlimaError } from "../errors";
import { parseLogLine } from "./limactl";
import { oneLine } from "./fatal";

const HINT_PATH = /\(hint: see [`"]([^`"]+ha\.stderr\.log)[`"]\)/;
const TAIL_BYTES = 64 * 1024;

/** Why a start failed, in plain words, and whether only a taken host port was to blame. */
export interface StartFailure {
  error: NixlimaError;
  /** QEMU could not listen on a port Lima chose: a new start chooses new ports. */
  hostPortTaken: boolean;
}

export async function explainStartFailure(name: string, err: NixlimaError): Promise<StartFailure> {
  const path = HINT_PATH.exec(err.message)?.[1];
  if (!path) return { error: err, hostPortTaken: false };
  if (/^degraded,/.test(err.message)) {
    const error = new NixlimaError(
      "failed",
      `VM \`${name}\` is running but degraded: file sharing and port forwarding may not work.`,
      `See ${path}; stop it with \`nixlima stop ${name}\`.`,
    );
    return { error, hostPortTaken: false };
  }
  // The host agent may still be writing its fatal line when limactl has already given up.
  let reason = await lastProblem(path);
  for (let waited = 0; !reason && waited < 2000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    reason = await lastProblem(path);
  }
  if (!reason) {
    const error = new NixlimaError("failed", `VM \`${name}\` stopped while starting, and Lima gave no reason.`, `See ${path}.`, err.message);
    return { error, hostPortTaken: false };
  }
  const error = new NixlimaError("failed", `VM \`${name}\` failed to start: ${reason.text}`, `See ${path}.`);
  return { error, hostPortTaken: reason.hostPortTaken };
}

async function lastProblem(path: string): Promise<{ text: string; hostPortTaken: boolean } | undefined> {
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
  if (fatal?.msg) return { text: oneLine(fatal.msg), hostPortTaken: false };
  // QEMU that exits at once ("Driver stopped due to error: exit status 1") says why only on its
  // stderr, which the host agent logs at debug level.
  const qemu = lines.find((l) => QEMU_STDERR.test(l.msg));
  return qemu ? qemuInPlainWords(oneLine(qemu.msg.replace(QEMU_STDERR, ""))) : undefined;
}

const QEMU_STDERR = /^qemu\[stderr\]: (qemu-system-\S+: )?/;
/** QEMU's "-netdev user,…: Could not set up host forwarding rule 'tcp:127.0.0.1:44011-:22'". */
const HOST_FORWARD_TAKEN = /Could not set up host forwarding rule '(?:tcp|udp):[^']*?:(\d+)-[^']*?:(\d+)'/;

function qemuInPlainWords(qemuSays: string): { text: string; hostPortTaken: boolean } {
  const m = HOST_FORWARD_TAKEN.exec(qemuSays);
  if (!m) return { text: qemuSays, hostPortTaken: false };
  const what = m[2] === "22" ? "its SSH connection" : `its port ${m[2]}`;
  return { text: `port ${m[1]} on this computer, chosen for ${what}, was already in use.`, hostPortTaken: true };
}
