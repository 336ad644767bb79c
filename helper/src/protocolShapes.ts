// The shapes every part of the protocol builds on: a VM as nixlima shows it, and an error as
// the user sees it (protocol.ts re-exports them; import from there).
import * as z from "zod";

/** No params. */
export const None = z.object({}).optional();

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
  /** What the sparse disk files really take on the host (allocated blocks), beside the nominal diskBytes. */
  diskUsedBytes: z.number().optional(),
  sshLocalPort: z.number().optional(),
  sshConfigFile: z.string().optional(),
  guestUser: z.string().optional(),
  guestHome: z.string().optional(),
  mounts: z.array(Mount),
  portForwards: z.array(PortForward),
  forwardAgent: z.boolean().optional(),
  protected: z.boolean(),
  /** Lima starts it when the user logs in (`limactl autostart`). */
  startsAtLogin: z.boolean().optional(),
  limaVersion: z.string().optional(),
  /** Human-readable problems Lima reported for the instance (Broken or Unknown status). */
  errors: z.array(z.string()),
  /** When the VM entered its status (ms since the epoch), read from its instance folder. */
  since: z.number().optional(),
  /** The nixlima template it was made from (`dev`, `agent`, …): a NixOS guest; none for others. */
  template: z.string().optional(),
});
export type Vm = z.infer<typeof Vm>;

/** The model tokens a task used through the key proxy, and their estimated cost (absent when no model used was priced). */
export const TaskUsage = z.object({
  tokensIn: z.number(),
  tokensOut: z.number(),
  costUsd: z.number().optional(),
  /** Some answers came from a model without a known price: the cost leaves them out. */
  costPartial: z.boolean().optional(),
  requests: z.number(),
});
export type TaskUsage = z.infer<typeof TaskUsage>;

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
  "untrusted-helper",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A failure as the user sees it: one sentence of what is wrong, and how to fix it when known. */
export const HelperError = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string().optional(),
  /** The raw text (Lima's or Go's) behind a message nixlima wrote in its own words: for the log. */
  detail: z.string().optional(),
});
export type HelperError = z.infer<typeof HelperError>;
