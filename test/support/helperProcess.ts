// Runs the real helper (`nixlima __serve`) from source against the real limactl, and connects
// to it the way the extension does.
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { join } from "node:path";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { connectToHelper } from "../../helper/src/connect/helperConnect";
import { version } from "../../helper/src/version";
import { limactlPath, qemuEnv, repoRoot } from "./lima";

export interface HelperProcess {
  socket: string;
  child: ChildProcess;
  /** Everything the helper printed: what the extension keeps as its log file. */
  output(): string;
  connectClient(): Promise<MessageConnection>;
  stop(): Promise<void>;
}

/** Retries the extension's own connection until `child` answers hello; fails if the helper exits first. */
export async function waitForHello(child: ChildProcess, socket: string) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the helper exited with ${child.exitCode}`);
    const line = await connectToHelper(socket, version).catch(() => undefined);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startHelper(limaHome: string, extraArgs: string[] = []): Promise<HelperProcess> {
  const socket = join(limaHome, "h.sock");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "helper/src/main.ts"), "__serve", "--socket", socket, "--limactl", limactlPath, "--lima-home", limaHome, ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...qemuEnv } },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  // As the extension does: the folder, the socket and the helper's proof are checked first.
  const connectClient = async () => {
    await waitForSocket(socket).then((s) => s.destroy());
    const line = await connectToHelper(socket, version);
    if (!line) throw new Error(`nobody listens on ${socket}`);
    return line.conn;
  };
  return {
    socket,
    child,
    output: () => output,
    connectClient,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function waitForSocket(path: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const socket = await new Promise<ReturnType<typeof createConnection> | undefined>((resolve) => {
      const s = createConnection(path);
      s.once("connect", () => resolve(s));
      s.once("error", () => resolve(undefined));
    });
    if (socket) return socket;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`helper did not listen on ${path} within ${timeoutMs} ms`);
}

/** Every notification a client got, and a way to wait for one that satisfies a predicate. */
export class Recorder {
  readonly seen: { method: string; params: unknown }[] = [];
  private waiters: { method: string; predicate: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];

  constructor(conn: MessageConnection) {
    conn.onNotification((method: string, params: unknown) => {
      this.seen.push({ method, params });
      this.waiters = this.waiters.filter((w) => {
        if (w.method !== method || !w.predicate(params as never)) return true;
        w.resolve(params);
        return false;
      });
    });
  }

  waitFor<T>(method: string, predicate: (p: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const already = this.seen.find((n) => n.method === method && predicate(n.params as T));
    if (already) return Promise.resolve(already.params as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching ${method} notification within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        method,
        predicate: predicate as (p: never) => boolean,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as T);
        },
      });
    });
  }

  clear(): void {
    this.seen.length = 0;
  }
}
