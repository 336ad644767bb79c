// The daemon side of the dev-VM operations: their jobs (clone, rename, resize, protect, fork,
// snapshot, autostart) and their quick requests (a VM's snapshots, which VMs start at login).
import type { MessageConnection } from "vscode-jsonrpc/node";
import { setStartAtLogin } from "../lima/autostart";
import { vmsStartingAtLogin } from "../lima/autostartPlace";
import type { Limactl } from "../lima/limactl";
import type { Reporter } from "../lima/operations";
import { listSnapshots, snapshotJob } from "../lima/snapshots";
import { cloneVm, forkVm, renameVm, resizeVm, setProtected } from "../lima/vmOps";
import { availableHostSockets } from "../templates/hostSockets";
import { listVms } from "../lima/list";
import { clearLimaDownloadCache, reclaimCandidates } from "../lima/reclaim";
import { listImages } from "../nix/images";
import { limaHomeOf } from "../templates/create";
import { VmOpRequests, type JobOf } from "../protocol";
import { onRequest } from "../rpc";

export type VmOpKind = "clone" | "rename" | "resize" | "protect" | "unprotect" | "fork" | "snapshot" | "autostart";

export function runVmOpJob(l: Limactl, request: JobOf<VmOpKind>, r: Reporter, signal: AbortSignal): Promise<void> {
  const { vm } = request;
  switch (request.kind) {
    case "clone":
      return cloneVm(l, vm, request.target, r, signal);
    case "fork":
      return forkVm(l, vm, request.target, r, signal);
    case "rename":
      return renameVm(l, vm, request.target, r, signal);
    case "resize":
      return resizeVm(l, vm, request.resize, r, signal);
    case "protect":
    case "unprotect":
      return setProtected(l, vm, request.kind === "protect", r, signal);
    case "snapshot":
      return snapshotJob(l, vm, request.snapshot, r, signal);
    case "autostart":
      return setStartAtLogin(l, vm, request.autostart, r, signal);
  }
}

export function serveVmOpRequests(conn: MessageConnection, limactl: () => Promise<Limactl>): void {
  onRequest(conn, VmOpRequests.reclaimList, async ({ days }) => {
    const l = await limactl();
    return reclaimCandidates({ vms: await listVms(l), images: await listImages(limaHomeOf(l)), env: l.env, days });
  });
  onRequest(conn, VmOpRequests.reclaimCache, async () => {
    clearLimaDownloadCache((await limactl()).env);
    return {};
  });
  onRequest(conn, VmOpRequests.snapshotsList, async ({ vm }) => listSnapshots(await limactl(), vm));
  onRequest(conn, VmOpRequests.autostartList, async () => vmsStartingAtLogin((await limactl()).env));
  onRequest(conn, VmOpRequests.hostSocketsList, () => availableHostSockets());
}
