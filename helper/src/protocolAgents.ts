// The agent-sandbox part of the protocol (protocol.ts re-exports it; import from there).
import * as z from "zod";
import { HelperError, Mount, None, PortForward, TaskUsage, VmStatus } from "./protocolShapes";

// ---- Agent sandboxes (issue 6): isolation audit, dispatch, fleets. Dispatch and fleet actions
// ---- run as jobs (kinds "dispatch" and "fleet"); audit, harden and fleets/list are AgentRequests.

/** What nixlima knows about the coding agents in a guest, and where it learnt it. */
/** What a running guest showed of its sandbox (audit/sandboxProof.ts); null where Lima's user could not look. */
export const SandboxProof = z.object({
  agentUser: z.boolean(),
  agentSudo: z.boolean().nullable(),
  egressFilter: z.boolean().nullable(),
  /** The user the check ran as: Lima's user. */
  limaUser: z.string().optional(),
  /** The agent user's groups, from the guest's accounts. */
  agentGroups: z.array(z.string()).optional(),
  /** Whether the guest's nix.conf trusts the agent user (by name, one of its groups, or `*`). */
  nixTrusted: z.boolean().nullable().optional(),
  /** Whether only root can change agent.json and its folder (null: agent.json is not there). */
  factsRootOnly: z.boolean().nullable().optional(),
  /** Whether the agent user can ask a name-service cache (nscd), which resolves past the DNS filter; false also when there is none. */
  nscdOpen: z.boolean().nullable().optional(),
});
export type SandboxProof = z.infer<typeof SandboxProof>;

export const AgentFacts = z.object({
  /** guest: /etc/nixlima/agent.json read over ssh now; cache: the last such read; dispatch: nixlima ran agents here with their bypass flags; none: nothing known. */
  source: z.enum(["guest", "cache", "dispatch", "none"]),
  seenAt: z.number().optional(),
  user: z.string().optional(),
  agents: z.array(z.string()).optional(),
  autonomousMode: z.boolean().optional(),
  /** The guest's egress allow list; absent when no filter is known. */
  egressAllow: z.array(z.string()).optional(),
  lastDispatchAt: z.number().optional(),
  /** What the guest showed when agent.json was last read; absent without agent.json. */
  proof: SandboxProof.optional(),
});
export type AgentFacts = z.infer<typeof AgentFacts>;

export const AuditFinding = z.object({
  /** Stable ids: mounts, home, forward-agent, ssh-keys, port-forwards, network (with the egress allow list), autonomous. */
  id: z.string(),
  level: z.enum(["ok", "info", "warning"]),
  title: z.string(),
  detail: z.string(),
  fix: z.string().optional(),
});
export type AuditFinding = z.infer<typeof AuditFinding>;

export const AuditMount = Mount.extend({ exposesHome: z.boolean() });
export type AuditMount = z.infer<typeof AuditMount>;

/** `nixlima audit VM --json` and the explorer's "Sandbox" child. */
export const Audit = z.object({
  vm: z.string(),
  status: VmStatus,
  mounts: z.array(AuditMount),
  /** The strongest access any mount gives to the host home folder (or an ancestor of it). */
  homeExposure: z.enum(["none", "read-only", "writable"]),
  forwardAgent: z.boolean(),
  loadDotSSHPubKeys: z.boolean(),
  portForwards: z.array(PortForward),
  /** user-mode (Lima's default slirp), or the `networks:` modes: vzNAT, lima:shared, lima:bridged, socket. */
  networkModes: z.array(z.string()),
  agent: AgentFacts,
  unrestrictedNetwork: z.boolean(),
  /** Whether the guest proved it is an agent sandbox (agent user without sudo, egress filter loaded). */
  sandbox: z.boolean(),
  /** The guest user a dispatch runs agents as: the agent user on a proven sandbox, else Lima's user (its name when known). */
  runsAs: z.string().optional(),
  /** Autonomous agents plus a writable home mount, agent forwarding or an unrestricted network. */
  flagged: z.boolean(),
  /** One line: why the VM is flagged (or that it is not). */
  summary: z.string(),
  findings: z.array(AuditFinding),
  /** What `nixlima harden` would change in lima.yaml; empty when nothing. */
  hardenChanges: z.array(z.string()),
});
export type Audit = z.infer<typeof Audit>;

export const HardenResult = z.object({
  vm: z.string(),
  changed: z.boolean(),
  changes: z.array(z.string()),
  /** Settings harden cannot fix in lima.yaml (e.g. the guest's network), with advice. */
  remaining: z.array(z.string()),
});
export type HardenResult = z.infer<typeof HardenResult>;

export const AgentName = z.enum(["claude", "codex", "opencode"]);
export type AgentName = z.infer<typeof AgentName>;

/** What a dispatch runs; the API key is NOT here: it travels separately as secrets. */
export const DispatchOptions = z.object({
  agent: AgentName,
  /** The prompt text (the CLI reads PROMPT.md and passes its content). */
  prompt: z.string().min(1),
  /** Rounds at most; the loop ends early when the agent writes the done marker. Default 1. */
  loop: z.number().int().positive().optional(),
  /** Wall-clock limit for the whole run, in milliseconds. */
  timeoutMs: z.number().int().positive().optional(),
  /** Budget: model tokens (in + out) the task may use through the key proxy; past it the task stops with outcome "budget". */
  maxTokens: z.number().int().positive().optional(),
  /** Budget: estimated cost in USD (proxy/pricing.ts) the task may use; past it the task stops with outcome "budget". */
  maxCostUsd: z.number().positive().optional(),
  /**
   * A folder in the guest to run in, in place (for example a writable mount: the agent then changes
   * host files directly). When absent, `project` is cloned into the guest instead.
   */
  workdir: z.string().optional(),
  /** A folder of a git repository on the host: its HEAD is cloned into the guest and the agent's work comes back as branch nixlima/VM/TASK. Ignored when workdir is given. */
  project: z.string().optional(),
  /** The person agreed to run on a VM whose guest does not show an agent sandbox; without it such a dispatch is refused. */
  notSandboxed: z.boolean().optional(),
});
export type DispatchOptions = z.infer<typeof DispatchOptions>;

export const DispatchResult = z.object({
  vm: z.string(),
  agent: AgentName,
  /** done: the agent wrote the done marker; finished: rounds ran out or a single run ended; budget: it used its token or cost limit. */
  outcome: z.enum(["done", "finished", "failed", "timeout", "stopped", "budget"]),
  /** What the agent's model requests used, counted by the key proxy; absent when no key went through it. */
  usage: TaskUsage.optional(),
  /** The limits the task ran under, for the sentence that says why it stopped. */
  maxTokens: z.number().optional(),
  maxCostUsd: z.number().optional(),
  exitCode: z.number().nullable(),
  rounds: z.number(),
  durationMs: z.number(),
  workdir: z.string(),
  /** `git diff --stat` of everything the run changed in workdir (committed, staged, unstaged, new files); null outside a git repository. */
  diffStat: z.string().nullable(),
  patch: z.string().nullable(),
  patchTruncated: z.boolean(),
  /** The host repository the task's project came from; absent for a run in a guest folder. */
  project: z.string().optional(),
  /** The commit the task started from. */
  base: z.string().optional(),
  /** The host branch holding the agent's work (nixlima/VM/TASK); null when it changed nothing. */
  branch: z.string().nullable().optional(),
  /** Commits on that branch since the base (the agent's, plus one for work it left uncommitted). */
  commits: z.number().optional(),
});
export type DispatchResult = z.infer<typeof DispatchResult>;


export const Preset = z.enum(["light", "medium", "heavy"]);
export type Preset = z.infer<typeof Preset>;

export const FleetCreateOptions = z.object({
  prefix: z.string(),
  count: z.number().int().positive(),
  template: z.string(),
  preset: Preset.optional(),
  /** VMs created and started at once; default from host CPUs and free memory. */
  concurrency: z.number().int().positive().optional(),
  /** Start each VM after creating it (default true). */
  start: z.boolean().optional(),
  /** An image path or URL to boot instead of the template's images (a built NixOS image). */
  image: z.string().optional(),
});
export type FleetCreateOptions = z.infer<typeof FleetCreateOptions>;

export const FleetMemberResult = z.object({
  vm: z.string(),
  ok: z.boolean(),
  durationMs: z.number(),
  error: HelperError.optional(),
});
export type FleetMemberResult = z.infer<typeof FleetMemberResult>;

export const FleetResult = z.object({
  prefix: z.string(),
  action: z.enum(["create", "stop", "delete"]),
  concurrency: z.number(),
  members: z.array(FleetMemberResult),
  durationMs: z.number(),
});
export type FleetResult = z.infer<typeof FleetResult>;

/** A fleet job: create PREFIX-1…N, or stop or delete every VM of the fleet. */
export const FleetJob = z.discriminatedUnion("action", [
  z.object({ action: z.literal("create"), create: FleetCreateOptions }),
  z.object({ action: z.literal("stop"), prefix: z.string() }),
  z.object({ action: z.literal("delete"), prefix: z.string(), force: z.boolean().optional() }),
]);
export type FleetJob = z.infer<typeof FleetJob>;

export const JobResult = z.object({ dispatch: DispatchResult.optional(), fleet: FleetResult.optional() });
export type JobResult = z.infer<typeof JobResult>;

export const Fleet = z.object({
  prefix: z.string(),
  vms: z.array(z.string()),
  running: z.number(),
  stopped: z.number(),
  broken: z.number(),
});
export type Fleet = z.infer<typeof Fleet>;

/** The user's Claude login on this machine: the helper reads it, the window only names it. */
export const ClaudeToken = z.object({ path: z.string(), present: z.boolean() });
export type ClaudeToken = z.infer<typeof ClaudeToken>;

/** Requests the agent-sandbox features add; for the daemon to serve next to `Requests`. */
export const AgentRequests = {
  vmsAudit: { method: "vms/audit", params: z.object({ vm: z.string() }), result: Audit },
  /** dryRun: only say what would change (the extension shows it before applying). */
  vmsHarden: { method: "vms/harden", params: z.object({ vm: z.string(), dryRun: z.boolean().optional() }), result: HardenResult },
  claudeTokenFind: { method: "claudeToken/find", params: None, result: ClaudeToken },
  /** Copies the token into the VM over ssh (stdin only); fails with a sentence. */
  claudeTokenCopy: { method: "claudeToken/copy", params: z.object({ vm: z.string() }), result: None },
} as const;
