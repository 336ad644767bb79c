// The helper as users run it, for the benches: the built bundle (dist/helper.js) on plain Node,
// not the sources through tsx, so its memory is the product's; and a window's line to it that
// also counts every byte the helper sends, split by message.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { ensureToken, newNonce, proofOf } from "../helper/src/connect/helperIdentity";
import { tryConnect } from "../helper/src/connect/helperConnect";
import { Requests } from "../helper/src/protocol";
import { connect, request } from "../helper/src/rpc";
import { limactlPath, qemuEnv, repoRoot } from "../test/support/lima";

export interface BuiltHelper {
  child: ChildProcess;
  socket: string;
  /** Resident memory now (VmRSS), in MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function startBuiltHelper(limaHome: string): Promise<BuiltHelper> {
  const script = join(repoRoot, "dist/helper.js");
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first.`);
  const socket = join(limaHome, "h.sock");
  const child = spawn(process.execPath, [script, "__serve", "--socket", socket, "--limactl", limactlPath, "--lima-home", limaHome], {
    stdio: "ignore",
    env: { ...process.env, ...qemuEnv },
  });
  for (let i = 0; !(await tryConnect(socket).then((s) => (s?.destroy(), s !== undefined))); i++) {
    if (child.exitCode !== null || i > 300) throw new Error("the built helper did not listen");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    socket,
    rssMiB: () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A window's connection (after the same hello) that counts the bytes of each message the helper sends. */
export interface CountingLine {
  conn: MessageConnection;
  /** Bytes on the wire (header and body) of each message received, by method ("(response)" for replies). */
  bytes: Map<string, number[]>;
}

export async function connectCounting(socketPath: string): Promise<CountingLine> {
  const socket = await tryConnect(socketPath);
  if (!socket) throw new Error(`nobody listens on ${socketPath}`);
  const bytes = new Map<string, number[]>();
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const headerEnd = pending.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(pending.subarray(0, headerEnd).toString())![1]);
      const end = headerEnd + 4 + length;
      if (pending.length < end) return;
      const message = JSON.parse(pending.subarray(headerEnd + 4, end).toString()) as { method?: string };
      const key = message.method ?? "(response)";
      bytes.set(key, [...(bytes.get(key) ?? []), end]);
      pending = pending.subarray(end);
    }
  });
  const conn = connect(socket);
  const token = ensureToken(dirname(socketPath));
  const nonce = newNonce();
  await request(conn, Requests.hello, { nonce, proof: proofOf(token, "client", nonce) });
  return { conn, bytes };
}
