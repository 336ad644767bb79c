// The long-lived helper process: serves every VS Code window with the same settings over one
// unix socket, owns the jobs, and pushes VM changes. It outlives window reloads and exits by
// itself once no window has been connected and no job has run for a while.
import { mkdirSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { runDoctor } from "../doctor";
import { NixlimaError } from "../errors";
import { Limactl } from "../lima/limactl";
import { deleteVm, restartVm, startVm, stopVm } from "../lima/operations";
import { Notifications, Requests, type HelperConfig, type JobRequest } from "../protocol";
import { connect, notify, onRequest } from "../rpc";
import { version } from "../version";
import { JobManager, type JobReporter } from "./jobs";
import { watchLimaHome } from "./limaHomeWatcher";
import { helperSocketPath } from "./socketPath";
import { SshSync } from "./sshSync";
import { VmState } from "./vmState";

export async function serve(argv: string[]): Promise<void> {
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
    limaHome: values["lima-home"],
    sshConfigFile: values["ssh-config"],
    manageSshConfig: values["manage-ssh-config"],
  };
  const socketPath = values.socket ?? helperSocketPath(config, version);
  const idleMs = Number(values["idle-exit-seconds"]) * 1000;
  const settings = { path: config.limactlPath, limaHome: config.limaHome };

  const connections = new Set<MessageConnection>();
  let located: Promise<Limactl> | undefined;
  // Found once; looked for again after a failure, so installing limactl needs no restart.
  const limactl = () => {
    located ??= Limactl.locate(settings).catch((err: unknown) => {
      located = undefined;
      throw err;
    });
    return located;
  };

  const ssh = new SshSync({
    userConfigPath: config.sshConfigFile,
    automatic: config.manageSshConfig === true,
    onProblem: (problem) => connections.forEach((c) => notify(c, Notifications.sshProblem, problem)),
  });
  const vms = new VmState(limactl, (snapshot) => {
    for (const c of connections) notify(c, Notifications.vmsChanged, snapshot);
    if (snapshot.ok) ssh.vmsChanged(snapshot.vms);
  });
  const listed = async () => {
    const snapshot = await vms.current();
    if (!snapshot.ok) throw new NixlimaError(snapshot.error.code, snapshot.error.message, snapshot.error.hint);
    return snapshot.vms;
  };
  const jobs = new JobManager(
    async (request, reporter, signal) => {
      try {
        await runJob(await limactl(), request, reporter, signal);
      } finally {
        void vms.refresh();
      }
    },
    {
      changed: (job) => connections.forEach((c) => notify(c, Notifications.jobChanged, job)),
      log: (line) => connections.forEach((c) => notify(c, Notifications.jobLog, line)),
    },
  );

  const limaHome = config.limaHome ?? process.env.LIMA_HOME ?? join(homedir(), ".lima");
  const watcher = watchLimaHome(limaHome, () => void vms.refresh());

  const server = createServer((socket: Socket) => {
    const conn = connect(socket);
    connections.add(conn);
    onRequest(conn, Requests.hello, () => ({ version, pid: process.pid, config }));
    onRequest(conn, Requests.vmsList, () => vms.refresh());
    onRequest(conn, Requests.jobsStart, (request) => jobs.start(request));
    onRequest(conn, Requests.jobsList, () => jobs.list());
    onRequest(conn, Requests.jobsCancel, ({ id }) => ({ cancelled: jobs.cancel(id) }));
    onRequest(conn, Requests.doctor, () => runDoctor({ limactl: settings, sshConfigFile: config.sshConfigFile }));
    onRequest(conn, Requests.sshSync, async () => ssh.sync(await listed()));
    onRequest(conn, Requests.sshStatus, async () => ssh.status(await listed()));
    onRequest(conn, Requests.sshRemove, () => ssh.remove());
    conn.onClose(() => connections.delete(conn));
    socket.on("error", () => conn.dispose());
  });

  await listenOnce(server, socketPath);
  const stop = () => {
    watcher.close();
    server.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  let idleSince = Date.now();
  setInterval(() => {
    if (connections.size > 0 || jobs.running() > 0) idleSince = Date.now();
    else if (Date.now() - idleSince >= idleMs) stop();
  }, Math.min(idleMs, 5000)).unref();
}

function runJob(limactl: Limactl, request: JobRequest, reporter: JobReporter, signal: AbortSignal): Promise<void> {
  switch (request.kind) {
    case "create":
      // Wired to the template renderer in the next change.
      return Promise.reject(new NixlimaError("usage", "Creating VMs from the editor is not available yet; use `limactl create`."));
    case "start":
      return startVm(limactl, request.vm, reporter, signal);
    case "stop":
      return stopVm(limactl, request.vm, { force: request.force }, reporter, signal);
    case "restart":
      return restartVm(limactl, request.vm, reporter, signal);
    case "delete":
      return deleteVm(limactl, request.vm, { force: request.force }, reporter, signal);
  }
}

/** Listens on the socket unless a live helper already does (then this one exits quietly). */
async function listenOnce(server: ReturnType<typeof createServer>, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
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
