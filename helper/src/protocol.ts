// The one definition of everything that crosses between the extension and the helper:
// the data shapes (zod, checked on arrival) and the JSON-RPC method names that carry them.
import * as z from "zod";
import { JobResult } from "./protocolAgents";
import { JobRequest, JobStartParams } from "./protocolJobs";
import { HelperError, None, TaskUsage, Vm } from "./protocolShapes";

export * from "./protocolAgents";
export * from "./protocolJobs";
export * from "./protocolShapes";
export * from "./protocolTasks";
export * from "./protocolVmOps";

export const TemplateInfo = z.object({
  name: z.string(),
  description: z.string(),
  path: z.string(),
  cpus: z.number().optional(),
  memoryGiB: z.number().optional(),
  diskGiB: z.number().optional(),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

export const JobState = z.enum(["running", "succeeded", "failed", "cancelled"]);
export type JobState = z.infer<typeof JobState>;

export const Progress = z.object({
  stage: z.string(),
  message: z.string().optional(),
  /** 0..1 where the operation knows how far it is. */
  fraction: z.number().min(0).max(1).optional(),
  /** A task's model usage so far, counted by its key proxy (dispatch only). */
  usage: TaskUsage.optional(),
});
export type Progress = z.infer<typeof Progress>;

export const Job = z.object({
  id: z.string(),
  request: JobRequest,
  state: JobState,
  progress: Progress,
  startedAt: z.number(),
  endedAt: z.number().optional(),
  error: HelperError.optional(),
  /** The last lines of the job's log, so a reloaded window can show what it missed. */
  log: z.array(z.string()),
  /** A fleet job: each VM's latest progress, by VM name. */
  members: z.record(z.string(), Progress).optional(),
  /** What a dispatch or fleet job produced, also when it failed or was stopped. */
  result: z.lazy(() => JobResult).optional(),
});
export type Job = z.infer<typeof Job>;

export const LimactlInfo = z.object({ path: z.string(), version: z.string() });
export type LimactlInfo = z.infer<typeof LimactlInfo>;

/** The settings a helper serves; a window with other settings gets its own helper. */
export const HelperConfig = z.object({
  limactlPath: z.string().optional(),
  limaHome: z.string().optional(),
  /** The ssh config Remote-SSH reads (`remote.SSH.configFile`, expanded); default ~/.ssh/config. */
  sshConfigFile: z.string().optional(),
  /** Keep that file's Include of nixlima's hosts in step with the VMs. */
  manageSshConfig: z.boolean().optional(),
});
export type HelperConfig = z.infer<typeof HelperConfig>;

export const VmSnapshot = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), vms: z.array(Vm), limactl: LimactlInfo }),
  z.object({ ok: z.literal(false), error: HelperError }),
]);
export type VmSnapshot = z.infer<typeof VmSnapshot>;

export const DoctorCheck = z.object({
  id: z.string(),
  title: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  fix: z.string().optional(),
  /** Optional features (Nix, KVM): a failure is advice, not a reason nixlima cannot work. */
  optional: z.boolean().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const JobLogLine = z.object({ id: z.string(), line: z.string() });
export type JobLogLine = z.infer<typeof JobLogLine>;

/** What one progress tick changed: the job's progress, or (with `member`) one fleet VM's. */
export const JobTick = z.object({ id: z.string(), progress: Progress, member: z.string().optional() });
export type JobTick = z.infer<typeof JobTick>;

/** A line for the user's log channel: every command the helper runs, and its outcome. */
export const LogEvent = z.object({
  level: z.enum(["trace", "info", "warn", "error"]),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

/** A window's hello: a fresh nonce and its HMAC under the token file only this user can read. */
export const HelloParams = z.object({ nonce: z.string(), proof: z.string() });
/** The helper's answer proves the same with its own label (see daemon/helperIdentity.ts). */
export const Hello = z.object({ version: z.string(), pid: z.number(), config: HelperConfig, proof: z.string() });
export type Hello = z.infer<typeof Hello>;

export const SshHostCheck = z.object({
  vm: z.string(),
  alias: z.string(),
  state: z.enum(["ok", "not-started", "mismatch"]),
  problem: z.string().optional(),
});

/** The state of the user's ssh config after a sync, a status or a remove. */
export const SshConfigReport = z.object({
  userConfigPath: z.string(),
  /** The one line to add by hand where nixlima may not write. */
  manualLine: z.string(),
  /** What happened to, or what is in the file: inserted, updated, moved, unchanged, removed, absent, current, outdated, scoped, manual, bad-markers. */
  block: z.string(),
  changed: z.boolean(),
  hosts: z.array(SshHostCheck),
});
export type SshConfigReport = z.infer<typeof SshConfigReport>;

export const SshProblem = z.object({ message: z.string(), manualLine: z.string().optional() });
export type SshProblem = z.infer<typeof SshProblem>;

/** A built image in LIMA_HOME/_images (`nixlima-IMAGE-ARCH-DATE.qcow2`). */
export const StoredImage = z.object({
  image: z.string(),
  arch: z.enum(["aarch64", "x86_64"]),
  /** YYYYMMDD from the file name. */
  date: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  /** Bytes allocated on the host, and the disk size a VM made from it sees. */
  usedBytes: z.number().optional(),
  nominalBytes: z.number().optional(),
  modifiedAt: z.number(),
  /** Whether the `…-latest.qcow2` symlink points at it. */
  latest: z.boolean(),
});
export type StoredImage = z.infer<typeof StoredImage>;

/** An image a flake can build: `packages.SYSTEM.NAME-image`, with the systems it exists for. */
export const FlakeImage = z.object({ image: z.string(), systems: z.array(z.string()) });
export type FlakeImage = z.infer<typeof FlakeImage>;


/** Requests, extension → helper. Params and results are checked on arrival by both sides. */
export const Requests = {
  hello: { method: "hello", params: HelloParams, result: Hello },
  vmsList: { method: "vms/list", params: None, result: VmSnapshot },
  jobsStart: { method: "jobs/start", params: JobStartParams, result: Job },
  jobsList: { method: "jobs/list", params: None, result: z.array(Job) },
  jobsCancel: { method: "jobs/cancel", params: z.object({ id: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  doctor: { method: "doctor", params: None, result: z.array(DoctorCheck) },
  templatesList: { method: "templates/list", params: None, result: z.array(TemplateInfo) },
  /** Whether this machine's Nix has a builder for its own Linux system (the Images view's button). */
  nixCanBuild: { method: "nix/canBuild", params: None, result: z.object({ canBuild: z.boolean() }) },
  sshSync: { method: "ssh/sync", params: None, result: SshConfigReport },
  sshRemove: { method: "ssh/remove", params: None, result: SshConfigReport },
  imagesList: { method: "images/list", params: None, result: z.array(StoredImage) },
  /** Deletes one built image; when it was the latest, the symlink moves to the next newest or goes. */
  imagesDelete: { method: "images/delete", params: z.object({ path: z.string() }), result: z.array(StoredImage) },
  /** The images a flake (default: the configured one) can build, from `nix eval`. */
  flakeImages: {
    method: "flake/images",
    params: z.object({ flake: z.string().optional() }).optional(),
    result: z.object({ flake: z.string(), images: z.array(FlakeImage) }),
  },
  /** The flake reference "Rebuild VM" proposes for a VM: its project mount + `#TEMPLATE-ARCH`. */
  rebuildDefault: { method: "rebuild/default", params: z.object({ vm: z.string() }), result: z.object({ flake: z.string() }) },
} as const;

/** Notifications, helper → every connected window. */
export const Notifications = {
  vmsChanged: { method: "vms/changed", params: VmSnapshot },
  /** The whole job, when it starts and when it ends (with its result); a window's copy is kept by shared/jobMirror. */
  jobChanged: { method: "jobs/changed", params: Job },
  /** A progress tick: only what changed, never the log or the result. */
  jobProgress: { method: "jobs/progress", params: JobTick },
  /** One new line of a job's log. */
  jobLog: { method: "jobs/log", params: JobLogLine },
  log: { method: "log", params: LogEvent },
  /** nixlima could not update the user's ssh config; shown once, with the line to add by hand. */
  sshProblem: { method: "ssh/problem", params: SshProblem },
  /** LIMA_HOME/_images changed: the built images now (in an object: JSON-RPC spreads array params). */
  imagesChanged: { method: "images/changed", params: z.object({ images: z.array(StoredImage) }) },
} as const;
