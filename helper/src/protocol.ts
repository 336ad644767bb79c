// The one definition of everything that crosses between the extension and the helper:
// the data shapes (zod, checked on arrival) and the JSON-RPC method names that carry them.
import * as z from "zod";

export const VmStatus = z.enum(["Running", "Stopped", "Broken", "Unknown"]);
export type VmStatus = z.infer<typeof VmStatus>;

export const Mount = z.object({
  location: z.string(),
  mountPoint: z.string(),
  writable: z.boolean(),
});
export type Mount = z.infer<typeof Mount>;

export const PortForward = z.object({
  guestPort: z.number().optional(),
  hostPort: z.number().optional(),
  guestSocket: z.string().optional(),
  hostSocket: z.string().optional(),
  proto: z.string().optional(),
  ignore: z.boolean().optional(),
});
export type PortForward = z.infer<typeof PortForward>;

/** One Lima instance as nixlima shows it: `limactl list --json` normalised. */
export const Vm = z.object({
  name: z.string(),
  status: VmStatus,
  dir: z.string(),
  hostname: z.string(),
  vmType: z.string().optional(),
  arch: z.string().optional(),
  cpus: z.number().optional(),
  memoryBytes: z.number().optional(),
  diskBytes: z.number().optional(),
  sshLocalPort: z.number().optional(),
  sshConfigFile: z.string().optional(),
  guestUser: z.string().optional(),
  guestHome: z.string().optional(),
  mounts: z.array(Mount),
  portForwards: z.array(PortForward),
  forwardAgent: z.boolean().optional(),
  protected: z.boolean(),
  limaVersion: z.string().optional(),
  /** Human-readable problems Lima reported for the instance (Broken or Unknown status). */
  errors: z.array(z.string()),
});
export type Vm = z.infer<typeof Vm>;

export const ErrorCode = z.enum([
  "limactl-missing",
  "limactl-too-old",
  "root",
  "invalid-name",
  "not-found",
  "already-exists",
  "protected",
  "already-running",
  "not-running",
  "timeout",
  "cancelled",
  "usage",
  "failed",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A failure as the user sees it: one sentence of what is wrong, and how to fix it when known. */
export const HelperError = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string().optional(),
});
export type HelperError = z.infer<typeof HelperError>;

export const JobKind = z.enum(["create", "start", "stop", "restart", "delete"]);
export type JobKind = z.infer<typeof JobKind>;

export const MountRequest = z.object({ location: z.string(), writable: z.boolean() });
export type MountRequest = z.infer<typeof MountRequest>;

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
  start: z.boolean().optional(),
});
export type CreateOptions = z.infer<typeof CreateOptions>;

export const TemplateInfo = z.object({
  name: z.string(),
  description: z.string(),
  path: z.string(),
  cpus: z.number().optional(),
  memoryGiB: z.number().optional(),
  diskGiB: z.number().optional(),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

export const JobRequest = z.object({
  kind: JobKind,
  vm: z.string(),
  force: z.boolean().optional(),
  /** Only for kind "create". */
  create: CreateOptions.optional(),
});
export type JobRequest = z.infer<typeof JobRequest>;

export const JobState = z.enum(["running", "succeeded", "failed", "cancelled"]);
export type JobState = z.infer<typeof JobState>;

export const Progress = z.object({
  stage: z.string(),
  message: z.string().optional(),
  /** 0..1 where the operation knows how far it is. */
  fraction: z.number().min(0).max(1).optional(),
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

/** A line for the user's log channel: every command the helper runs, and its outcome. */
export const LogEvent = z.object({
  level: z.enum(["trace", "info", "warn", "error"]),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEvent>;

export const Hello = z.object({ version: z.string(), pid: z.number(), config: HelperConfig });
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

const None = z.object({}).optional();

/** Requests, extension → helper. Params and results are checked on arrival by both sides. */
export const Requests = {
  hello: { method: "hello", params: None, result: Hello },
  vmsList: { method: "vms/list", params: None, result: VmSnapshot },
  jobsStart: { method: "jobs/start", params: JobRequest, result: Job },
  jobsList: { method: "jobs/list", params: None, result: z.array(Job) },
  jobsCancel: { method: "jobs/cancel", params: z.object({ id: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  doctor: { method: "doctor", params: None, result: z.array(DoctorCheck) },
  templatesList: { method: "templates/list", params: None, result: z.array(TemplateInfo) },
  sshSync: { method: "ssh/sync", params: None, result: SshConfigReport },
  sshStatus: { method: "ssh/status", params: None, result: SshConfigReport },
  sshRemove: { method: "ssh/remove", params: None, result: SshConfigReport },
} as const;

/** Notifications, helper → every connected window. */
export const Notifications = {
  vmsChanged: { method: "vms/changed", params: VmSnapshot },
  jobChanged: { method: "jobs/changed", params: Job },
  jobLog: { method: "jobs/log", params: JobLogLine },
  log: { method: "log", params: LogEvent },
  /** nixlima could not update the user's ssh config; shown once, with the line to add by hand. */
  sshProblem: { method: "ssh/problem", params: SshProblem },
} as const;
