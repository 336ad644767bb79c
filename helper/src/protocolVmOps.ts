// The dev-VM part of the protocol (protocol.ts re-exports it; import from there).
import * as z from "zod";
import { None } from "./protocolShapes";

// ---- Persistent dev VMs (issue 12): copies, resizes, protection, snapshots, start at login.

/** New resources for a stopped VM; unset values stay. Disk can only grow. */
export const ResizeOptions = z.object({
  cpus: z.number().optional(),
  memoryGiB: z.number().optional(),
  diskGiB: z.number().optional(),
});
export type ResizeOptions = z.infer<typeof ResizeOptions>;

export const SnapshotJob = z.object({ action: z.enum(["create", "apply", "delete"]), tag: z.string() });
export type SnapshotJob = z.infer<typeof SnapshotJob>;

export const DiskSnapshot = z.object({ tag: z.string(), sizeBytes: z.number().optional(), date: z.string().optional() });
export type DiskSnapshot = z.infer<typeof DiskSnapshot>;

/** Something "Reclaim Space…" offers to delete: a VM (id: name), a built image (id: path), Lima's download cache (id: path). */
export const ReclaimItem = z.object({
  kind: z.enum(["vm", "image", "cache"]),
  id: z.string(),
  label: z.string(),
  detail: z.string(),
  sizeBytes: z.number(),
});
export type ReclaimItem = z.infer<typeof ReclaimItem>;

/** Requests the dev-VM features add; for the daemon to serve next to `Requests`. */
export const VmOpRequests = {
  snapshotsList: { method: "vms/snapshots", params: z.object({ vm: z.string() }), result: z.array(DiskSnapshot) },
  /** Which VMs Lima starts at login (its own unit or launch agent exists). */
  autostartList: { method: "vms/autostart", params: None, result: z.object({ supported: z.boolean(), vms: z.array(z.string()) }) },
  /** What can go to free disk space: stopped VMs not started for `days`, old images, Lima's cache. */
  reclaimList: { method: "reclaim/list", params: z.object({ days: z.number().int().nonnegative() }), result: z.array(ReclaimItem) },
  /** Empties Lima's download cache. */
  reclaimCache: { method: "reclaim/cache", params: None, result: z.object({}) },
  /** The Docker and 1Password agent sockets that exist on this host, for Create VM to offer. */
  hostSocketsList: {
    method: "host/sockets",
    params: None,
    result: z.array(z.object({ kind: z.enum(["docker", "ssh-agent"]), label: z.string(), path: z.string() })),
  },
} as const;
