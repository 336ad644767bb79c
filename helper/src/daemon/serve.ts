// The long-lived helper process: serves every VS Code window with the same settings over one
// unix socket, owns the jobs, and pushes VM changes. It outlives window reloads and exits by
// itself once no window has been connected and no job has run for a while.
import { chmodSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { NixlimaError } from "../errors";
import { Requests, type HelperConfig } from "../protocol";
import { connect, onRequest } from "../rpc";
import { expandTilde } from "../templates/catalog";
import { version } from "../version";
import { checkSocketFile, ensurePrivateDir, ensureToken, proofMatches, proofOf } from "../connect/helperIdentity";
import { helperState, type HelperState } from "./helperState";
import { helperSocketPath } from "../connect/socketPath";
import { serveWindow } from "./windowRequests";

/** How long a stopping helper waits for its cancelled jobs to clean up (a start's `limactl stop -f`). */
const STOP_GRACE_MS = 120_000;

export async function serve(argv: string[]): Promise<void> {
  const { config, socketPath, idleMs } = serveOptions(argv);
  // Refuses a socket folder another user made or can write, before anything starts.
  const token = ensureToken(dirname(socketPath));
  const helper = helperState(config);
  const server = createServer((socket: Socket) => {
    const conn = connect(socket);
    let welcomed = false;
    // A window is served, and told about changes, only after it proved it read the token.
    onRequest(conn, Requests.hello, ({ nonce, proof }) => {
      if (!proofMatches(token, "client", nonce, proof)) {
        throw new NixlimaError("untrusted-helper", "This window could not prove it belongs to the helper's user.");
      }
      if (!welcomed) serveWindow(conn, helper);
      welcomed = true;
      return { version, pid: process.pid, config, proof: proofOf(token, "helper", nonce) };
    });
    conn.onClose(() => helper.connections.delete(conn));
    socket.on("error", () => conn.dispose());
  });
  await listenOnce(server, socketPath);
  stopWhenIdleOrAsked(helper, server, idleMs);
}

function serveOptions(argv: string[]): { config: HelperConfig; socketPath: string; idleMs: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      limactl: { type: "string" },
      "lima-home": { type: "string" },
      "ssh-config": { type: "string" },
      "manage-ssh-config": { type: "boolean", default: false },
      socket: { type: "string" },
      "idle-exit-seconds": { type: "string", default: "600" },
    },
  });
  const config: HelperConfig = {
    limactlPath: values.limactl,
    // Expanded once here, so limactl, the watchers, the Images view, builds and deletes all use one path.
    limaHome: values["lima-home"] === undefined ? undefined : expandTilde(values["lima-home"]),
    sshConfigFile: values["ssh-config"],
    manageSshConfig: values["manage-ssh-config"],
  };
  return { config, socketPath: values.socket ?? helperSocketPath(config, version), idleMs: Number(values["idle-exit-seconds"]) * 1000 };
}

/**
 * Stopping cancels the running jobs the way Cancel does (a start stops its VM again), so no
 * limactl, hostagent or qemu is left behind without a helper to end it. The helper stops on
 * SIGTERM/SIGINT, and by itself once no window was connected and no job ran for idleMs.
 */
function stopWhenIdleOrAsked(helper: HelperState, server: Server, idleMs: number): void {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    helper.close();
    server.close();
    await Promise.race([
      helper.jobs.stopAll("Cancelled: the nixlima helper was stopped."),
      new Promise((r) => setTimeout(r, STOP_GRACE_MS)),
    ]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  let idleSince = Date.now();
  setInterval(() => {
    if (helper.connections.size > 0 || helper.jobs.running() > 0) idleSince = Date.now();
    else if (Date.now() - idleSince >= idleMs) void stop();
  }, Math.min(idleMs, 5000)).unref();
}

/** Listens on the socket unless a live helper already does (then this one exits quietly). */
async function listenOnce(server: ReturnType<typeof createServer>, path: string): Promise<void> {
  ensurePrivateDir(dirname(path));
  checkSocketFile(path);
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  try {
    await listen();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    if (await isAlive(path)) process.exit(0);
    unlinkSync(path); // left behind by a helper that died
    await listen();
  }
  chmodSync(path, 0o600);
}

function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}
