// The long-lived helper process: serves every VS Code window with the same settings over one
// unix socket, owns the jobs, and pushes VM changes. It outlives window reloads and exits by
// itself once no window has been connected and no job has run for a while.
import { chmodSync, unlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createConnection, createServer, type Socket } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { runDoctor } from "../doctor";
import { NixlimaError } from "../errors";
import { Limactl } from "../lima/limactl";
import { deleteVm, restartVm, startVm, stopVm } from "../lima/operations";
import { canBuildHostImages } from "../nix/builders";
import { runBuildJob, type BuildJobContext } from "../nix/buildJob";
import { deleteImage } from "../nix/deleteImage";
import { listFlakeImages } from "../nix/flakeImages";
import { flakeRef } from "../nix/flakeRef";
import { listImages } from "../nix/images";
import { defaultRebuildRef, rebuildVm, templateOfLimaYaml } from "../nix/rebuild";
import { Notifications, Requests, type HelperConfig, type JobRequest, type JobResult, type StoredImage } from "../protocol";
import { connect, notify, onRequest } from "../rpc";
import { expandTilde } from "../templates/catalog";
import { createVm, listTemplates } from "../templates/create";
import { version } from "../version";
import { runDispatchJob, runFleetJob } from "./agentJobs";
import { runVmOpJob, serveVmOpRequests } from "./vmOpJobs";
import { serveAgentRequests } from "./agentRequests";
import { watchImages } from "./imagesWatcher";
import { JobManager, type JobReporter } from "./jobs";
import { watchLimaHome } from "./limaHomeWatcher";
import { checkSocketFile, ensurePrivateDir, ensureToken, proofMatches, proofOf } from "./helperIdentity";
import { helperSocketPath } from "./socketPath";
import { SshSync } from "./sshSync";
import { VmState } from "./vmState";

/** How long a stopping helper waits for its cancelled jobs to clean up (a start's `limactl stop -f`). */
const STOP_GRACE_MS = 120_000;

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
    // Expanded once here, so limactl, the watchers, the Images view, builds and deletes all use one path.
    limaHome: values["lima-home"] === undefined ? undefined : expandTilde(values["lima-home"]),
    sshConfigFile: values["ssh-config"],
    manageSshConfig: values["manage-ssh-config"],
  };
  const socketPath = values.socket ?? helperSocketPath(config, version);
  // Refuses a socket folder another user made or can write, before anything starts.
  const token = ensureToken(dirname(socketPath));
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
  const limaHome = config.limaHome ?? process.env.LIMA_HOME ?? join(homedir(), ".lima");
  const nix: BuildJobContext = { limaHome, defaultFlake: () => flakeRef(undefined), nix: process.env.NIXLIMA_NIX || "nix" };
  // Built images as last sent; pushed to every window when LIMA_HOME/_images changes.
  let imagesSent = "";
  const imagesChanged = async (): Promise<StoredImage[]> => {
    const images = await listImages(limaHome);
    const key = JSON.stringify(images);
    if (key !== imagesSent) {
      imagesSent = key;
      connections.forEach((c) => notify(c, Notifications.imagesChanged, { images }));
    }
    return images;
  };
  const jobs = new JobManager(
    async (request, reporter, signal, secrets) => {
      if (request.kind === "build") {
        if (!request.build) throw new NixlimaError("usage", "A build job needs the image to build.");
        await runBuildJob(request.build, nix, reporter, signal);
        void imagesChanged();
        return;
      }
      try {
        return await runJob(await limactl(), request, reporter, signal, secrets);
      } finally {
        void vms.refresh();
      }
    },
    {
      changed: (job) => connections.forEach((c) => notify(c, Notifications.jobChanged, job)),
      log: (line) => connections.forEach((c) => notify(c, Notifications.jobLog, line)),
    },
  );

  const watcher = watchLimaHome(limaHome, () => void vms.refresh());
  const imagesWatcher = watchImages(limaHome, () => void imagesChanged().catch(() => undefined));

  // A window is served, and told about changes, only after it proved it read the token.
  const serveWindow = (conn: MessageConnection) => {
    connections.add(conn);
    onRequest(conn, Requests.vmsList, () => vms.refresh());
    // The secrets (a dispatch's API keys) go to the job's runner only: never into the Job.
    onRequest(conn, Requests.jobsStart, ({ secrets, ...request }) => jobs.start(request, secrets));
    onRequest(conn, Requests.jobsList, () => jobs.list());
    onRequest(conn, Requests.jobsCancel, ({ id }) => ({ cancelled: jobs.cancel(id) }));
    onRequest(conn, Requests.templatesList, () => listTemplates());
    onRequest(conn, Requests.nixCanBuild, async () => ({ canBuild: await canBuildHostImages({ nix: nix.nix }) }));
    onRequest(conn, Requests.doctor, () => runDoctor({ limactl: settings, sshConfigFile: config.sshConfigFile }));
    onRequest(conn, Requests.sshSync, async () => ssh.sync(await listed()));
    onRequest(conn, Requests.sshStatus, async () => ssh.status(await listed()));
    onRequest(conn, Requests.sshRemove, () => ssh.remove());
    onRequest(conn, Requests.imagesList, () => listImages(limaHome));
    onRequest(conn, Requests.imagesDelete, async ({ path }) => {
      await deleteImage(limaHome, path);
      return imagesChanged();
    });
    onRequest(conn, Requests.flakeImages, async (params) => {
      const flake = params?.flake ?? nix.defaultFlake();
      return { flake, images: await listFlakeImages({ flake, nix: nix.nix }) };
    });
    onRequest(conn, Requests.rebuildDefault, async ({ vm: name }) => {
      const vm = (await listed()).find((v) => v.name === name);
      if (!vm) throw new NixlimaError("not-found", `There is no VM named \`${name}\`.`, "Run `nixlima list` to see the VMs.");
      const yaml = await readFile(join(vm.dir, "lima.yaml"), "utf8").catch(() => "");
      return { flake: defaultRebuildRef(vm, templateOfLimaYaml(yaml), homedir()) };
    });
    serveAgentRequests(conn, { limactl, jobs, changed: () => void vms.refresh() });
    serveVmOpRequests(conn, limactl);
  };
  const server = createServer((socket: Socket) => {
    const conn = connect(socket);
    let welcomed = false;
    onRequest(conn, Requests.hello, ({ nonce, proof }) => {
      if (!proofMatches(token, "client", nonce, proof)) {
        throw new NixlimaError("untrusted-helper", "This window could not prove it belongs to the helper's user.");
      }
      if (!welcomed) serveWindow(conn);
      welcomed = true;
      return { version, pid: process.pid, config, proof: proofOf(token, "helper", nonce) };
    });
    conn.onClose(() => connections.delete(conn));
    socket.on("error", () => conn.dispose());
  });

  await listenOnce(server, socketPath);
  // Stopping cancels the running jobs the way Cancel does (a start stops its VM again), so no
  // limactl, hostagent or qemu is left behind without a helper to end it.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    imagesWatcher.close();
    server.close();
    await Promise.race([
      jobs.stopAll("Cancelled: the nixlima helper was stopped."),
      new Promise((r) => setTimeout(r, STOP_GRACE_MS)),
    ]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());

  let idleSince = Date.now();
  setInterval(() => {
    if (connections.size > 0 || jobs.running() > 0) idleSince = Date.now();
    else if (Date.now() - idleSince >= idleMs) void stop();
  }, Math.min(idleMs, 5000)).unref();
}

function runJob(limactl: Limactl, request: JobRequest, reporter: JobReporter, signal: AbortSignal, secrets: Record<string, string>): Promise<JobResult | void> {
  switch (request.kind) {
    case "create":
      if (!request.create) return Promise.reject(new NixlimaError("usage", "A create job needs its template and options."));
      // A writable mount of the home folder passes only with allowHomeWrite, which the
      // extension sets after asking the user.
      return createVm(limactl, request.vm, request.create, reporter, signal);
    case "start":
      return startVm(limactl, request.vm, reporter, signal);
    case "stop":
      return stopVm(limactl, request.vm, { force: request.force }, reporter, signal);
    case "restart":
      return restartVm(limactl, request.vm, reporter, signal);
    case "delete":
      return deleteVm(limactl, request.vm, { force: request.force }, reporter, signal);
    case "rebuild":
      if (!request.rebuild) return Promise.reject(new NixlimaError("usage", "A rebuild job needs the flake to switch to."));
      return rebuildVm(limactl, request.vm, request.rebuild.flake, reporter, signal, request.rebuild.mode).then(() => undefined);
    case "dispatch":
      return runDispatchJob(limactl, request, reporter, signal, secrets);
    case "fleet":
      return runFleetJob(limactl, request, reporter, signal);
    case "build":
      return Promise.reject(new NixlimaError("usage", "Builds do not run on a VM."));
    case "clone":
    case "rename":
    case "resize":
    case "protect":
    case "unprotect":
    case "fork":
    case "snapshot":
    case "autostart":
      return runVmOpJob(limactl, { ...request, kind: request.kind }, reporter, signal);
  }
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
