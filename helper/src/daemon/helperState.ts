// What the helper keeps for every window it serves: its connections, the limactl it found, the
// VMs as last listed, the ssh config sync, the built images and the jobs.
import { homedir } from "node:os";
import { join } from "node:path";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { NixlimaError } from "../errors";
import { Limactl } from "../lima/limactl";
import { deleteVm, restartVm, startVm, stopVm } from "../lima/operations";
import { runBuildJob, type BuildJobContext } from "../nix/buildJob";
import { flakeRef } from "../nix/flakeRef";
import { listImages } from "../nix/images";
import { rebuildVm } from "../nix/rebuild";
import { Notifications, type HelperConfig, type JobRequest, type JobResult, type StoredImage } from "../protocol";
import { notify } from "../rpc";
import { createVm } from "../templates/create";
import { runDispatchJob, runFleetJob } from "./agentJobs";
import { watchImages } from "./imagesWatcher";
import { JobManager, type JobReporter } from "./jobs";
import { watchLimaHome } from "./limaHomeWatcher";
import { SshSync } from "./sshSync";
import { VmState } from "./vmState";
import { runVmOpJob } from "./vmOpJobs";

/** What every window shares: the helper's connections, limactl, VM state, ssh sync, images and jobs. */
export type HelperState = ReturnType<typeof helperState>;

export function helperState(config: HelperConfig) {
  const settings = { path: config.limactlPath, limaHome: config.limaHome };

  const connections = new Set<MessageConnection>();
  const limactl = limactlLocator(settings);

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
  const imagesChanged = imagesPusher(limaHome, connections);
  const jobs = new JobManager(
    async (request, reporter, signal, secrets) => {
      if (request.kind === "build") {
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
      tick: (tick) => connections.forEach((c) => notify(c, Notifications.jobProgress, tick)),
      log: (line) => connections.forEach((c) => notify(c, Notifications.jobLog, line)),
    },
  );

  const watcher = watchLimaHome(limaHome, () => void vms.refresh());
  const imagesWatcher = watchImages(limaHome, () => void imagesChanged().catch(() => undefined));

  return {
    config,
    settings,
    connections,
    limactl,
    ssh,
    vms,
    listed,
    limaHome,
    nix,
    imagesChanged,
    jobs,
    close: () => {
      watcher.close();
      imagesWatcher.close();
    },
  };
}

/** Found once; looked for again after a failure, so installing limactl needs no restart. */
function limactlLocator(settings: { path?: string; limaHome?: string }): () => Promise<Limactl> {
  let located: Promise<Limactl> | undefined;
  return () => {
    located ??= Limactl.locate(settings).catch((err: unknown) => {
      located = undefined;
      throw err;
    });
    return located;
  };
}

/** Lists the built images and pushes them to every window when they changed since the last push. */
function imagesPusher(limaHome: string, connections: Set<MessageConnection>): () => Promise<StoredImage[]> {
  let imagesSent = "";
  return async () => {
    const images = await listImages(limaHome);
    const key = JSON.stringify(images);
    if (key !== imagesSent) {
      imagesSent = key;
      connections.forEach((c) => notify(c, Notifications.imagesChanged, { images }));
    }
    return images;
  };
}

function runJob(limactl: Limactl, request: JobRequest, reporter: JobReporter, signal: AbortSignal, secrets: Record<string, string>): Promise<JobResult | void> {
  switch (request.kind) {
    case "create":
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
      return runVmOpJob(limactl, request, reporter, signal);
  }
}
