// The requests a window may make once it proved it belongs to the helper's user.
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { runDoctor } from "../doctor";
import { NixlimaError } from "../errors";
import { canBuildHostImages } from "../nix/builders";
import { deleteImage } from "../nix/deleteImage";
import { listFlakeImages } from "../nix/flakeImages";
import { listImages } from "../nix/images";
import { defaultRebuildRef, templateOfLimaYaml } from "../nix/rebuild";
import { Requests, type JobRequest, type JobStartParams } from "../protocol";
import { onRequest } from "../rpc";
import { listTemplates } from "../templates/create";
import { serveAgentRequests } from "./agentRequests";
import { serveTaskRequests } from "./taskRequests";
import type { HelperState } from "./helperState";
import { serveVmOpRequests } from "./vmOpJobs";

export function serveWindow(conn: MessageConnection, helper: HelperState): void {
  const { config, settings, connections, limactl, ssh, vms, listed, limaHome, nix, imagesChanged, jobs } = helper;
  connections.add(conn);
  onRequest(conn, Requests.vmsList, () => vms.refresh());
  // The secrets (a dispatch's API keys) go to the job's runner only: never into the Job.
  onRequest(conn, Requests.jobsStart, (params) => jobs.start(...withoutSecrets(params)));
  onRequest(conn, Requests.jobsList, () => jobs.list());
  onRequest(conn, Requests.jobsCancel, ({ id }) => ({ cancelled: jobs.cancel(id) }));
  onRequest(conn, Requests.templatesList, () => listTemplates());
  onRequest(conn, Requests.nixCanBuild, async () => ({ canBuild: await canBuildHostImages({ nix: nix.nix }) }));
  onRequest(conn, Requests.doctor, () => runDoctor({ limactl: settings, sshConfigFile: config.sshConfigFile }));
  onRequest(conn, Requests.sshSync, async () => ssh.sync(await listed()));
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
  serveTaskRequests(conn);
}

/** The request as every window sees it, and a dispatch's API keys apart. */
function withoutSecrets(params: JobStartParams): [JobRequest, Record<string, string>] {
  if (params.kind !== "dispatch") return [params, {}];
  const { secrets = {}, ...request } = params;
  return [request, secrets];
}
