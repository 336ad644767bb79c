// What a job is asked to do (protocol.ts re-exports it; import from there): one shape per kind,
// each with exactly its own fields, so a request says what it means and a wrong one is refused.
import * as z from "zod";
import { DispatchOptions, FleetJob } from "./protocolAgents";
import { ResizeOptions, SnapshotJob } from "./protocolVmOps";

export const JobKind = z.enum([
  "create",
  "start",
  "stop",
  "restart",
  "delete",
  "build",
  "rebuild",
  "dispatch",
  "fleet",
  // The operations on a stopped VM (issue 12): see VmOpOptions below.
  "clone",
  "rename",
  "resize",
  "protect",
  "unprotect",
  "fork",
  "snapshot",
  "autostart",
]);
export type JobKind = z.infer<typeof JobKind>;

export const MountRequest = z.object({ location: z.string(), writable: z.boolean() });
export type MountRequest = z.infer<typeof MountRequest>;

/** A host unix socket to forward into the guest: docker sets DOCKER_HOST, ssh-agent SSH_AUTH_SOCK. */
export const HostSocketRequest = z.object({ kind: z.enum(["docker", "ssh-agent", "other"]), hostPath: z.string() });
export type HostSocketRequest = z.infer<typeof HostSocketRequest>;

/** What `nixlima create` and "Create VM…" ask for; unset resources come from the template. */
export const CreateOptions = z.object({
  /** A template name (`minimal`, `dev`, `agent`) or the path of a Lima YAML file. */
  template: z.string(),
  cpus: z.number().int().positive().optional(),
  memoryGiB: z.number().positive().optional(),
  diskGiB: z.number().positive().optional(),
  mounts: z.array(MountRequest).optional(),
  /** An image path or URL to boot instead of the template's images. */
  image: z.string().optional(),
  /** Only the template's own (published) images, even when the user built one for it. */
  publishedImage: z.boolean().optional(),
  start: z.boolean().optional(),
  /** The user confirmed a writable mount of their home folder (or a folder above it). */
  allowHomeWrite: z.boolean().optional(),
  /** Host sockets forwarded into the guest (Docker, an ssh agent, any other). */
  sockets: z.array(HostSocketRequest).optional(),
});
export type CreateOptions = z.infer<typeof CreateOptions>;

export const LinuxSystem = z.enum(["aarch64-linux", "x86_64-linux"]);
export type LinuxSystem = z.infer<typeof LinuxSystem>;

/** Builds `packages.SYSTEM.IMAGE-image` of a flake and installs it into LIMA_HOME/_images. */
export const ImageBuildOptions = z.object({
  /** The image's short name: `dev` builds `dev-image`. */
  image: z.string(),
  /** Default: the host's architecture. */
  system: LinuxSystem.optional(),
  /** A flake reference; default: the helper's configured flake (the bundled one unless set). */
  flake: z.string().optional(),
});
export type ImageBuildOptions = z.infer<typeof ImageBuildOptions>;

/** `sudo nixos-rebuild switch --flake FLAKE` inside a running VM; mode boot: `boot`, then a restart into it. */
export const RebuildOptions = z.object({ flake: z.string(), mode: z.enum(["switch", "boot"]).optional() });
export type RebuildOptions = z.infer<typeof RebuildOptions>;

const vm = z.string().min(1);
/** A job on one VM that takes nothing else. */
const onVm = <K extends string>(kind: K) => z.strictObject({ kind: z.literal(kind), vm });
/** A copy or a new name: the VM and the name it makes. */
const toTarget = <K extends string>(kind: K) => z.strictObject({ kind: z.literal(kind), vm, target: vm });
const dispatchShape = { kind: z.literal("dispatch"), vm, dispatch: DispatchOptions };

/** Every job but a dispatch; each kind has exactly its own fields (strict: another kind's field is refused). */
const plainJobs = [
  z.strictObject({ kind: z.literal("create"), vm, create: CreateOptions }),
  onVm("start"),
  z.strictObject({ kind: z.literal("stop"), vm, force: z.boolean().optional() }),
  onVm("restart"),
  z.strictObject({ kind: z.literal("delete"), vm, force: z.boolean().optional() }),
  /** About an image, not a VM: no `vm`. */
  z.strictObject({ kind: z.literal("build"), build: ImageBuildOptions }),
  z.strictObject({ kind: z.literal("rebuild"), vm, rebuild: RebuildOptions }),
  /** About every VM named PREFIX-N: no `vm`. */
  z.strictObject({ kind: z.literal("fleet"), fleet: FleetJob }),
  toTarget("clone"),
  toTarget("rename"),
  toTarget("fork"),
  z.strictObject({ kind: z.literal("resize"), vm, resize: ResizeOptions }),
  onVm("protect"),
  onVm("unprotect"),
  z.strictObject({ kind: z.literal("snapshot"), vm, snapshot: SnapshotJob }),
  /** Start the VM at login (true) or not (false). */
  z.strictObject({ kind: z.literal("autostart"), vm, autostart: z.boolean() }),
] as const;

/** What a job does, by kind. */
export const JobRequest = z.discriminatedUnion("kind", [...plainJobs, z.strictObject(dispatchShape)]);
export type JobRequest = z.infer<typeof JobRequest>;
/** The request of one kind. */
export type JobOf<K extends JobKind> = Extract<JobRequest, { kind: K }>;

/**
 * jobs/start's params: the request, plus a dispatch's API keys. The helper takes the secrets
 * out before it makes the Job, which every window sees and which is kept for reloads.
 */
export const JobStartParams = z.discriminatedUnion("kind", [
  ...plainJobs,
  z.strictObject({ ...dispatchShape, secrets: z.record(z.string(), z.string()).optional() }),
]);
export type JobStartParams = z.infer<typeof JobStartParams>;

/** The VM a job acts on; none for a build (an image) or a fleet (many VMs). */
export function jobVm(request: JobRequest): string | undefined {
  return "vm" in request ? request.vm : undefined;
}

/** A dispatch job's agent and prompt; none for other kinds. */
export function dispatchOf(request: JobRequest): DispatchOptions | undefined {
  return request.kind === "dispatch" ? request.dispatch : undefined;
}
