// The "Sandbox" row under each VM: the isolation audit in one line, and its findings. Pure.
import type { Audit, AuditFinding } from "../../../helper/src/protocol";

/** Flagged: the audit's own one-line explanation. Otherwise a short list of what is exposed. */
export function describeSandbox(a: Audit): string {
  if (a.flagged) return a.summary;
  const parts = [
    a.homeExposure === "none" ? "home not exposed" : `home ${a.homeExposure}`,
    a.forwardAgent ? "SSH agent forwarded" : "no SSH agent",
    a.unrestrictedNetwork ? "open network" : `egress: ${a.agent.egressAllow?.length ?? 0} hosts`,
  ];
  if (a.agent.autonomousMode) parts.unshift("autonomous agents");
  // Only a guest that showed its agent user and egress filter is called a sandbox.
  if (!a.sandbox) parts.unshift("not a sandbox");
  return parts.join(" · ");
}

/** contextValue: `sandbox`, `sandbox+flagged`, `sandbox+flagged+stopped` (Harden is offered on the last). */
export function sandboxContext(a: Audit): string {
  if (!a.flagged) return "sandbox";
  return a.status === "Stopped" && a.hardenChanges.length > 0 ? "sandbox+flagged+stopped" : "sandbox+flagged";
}

export function findingIcon(f: AuditFinding): "pass" | "info" | "warning" {
  return f.level === "ok" ? "pass" : f.level === "info" ? "info" : "warning";
}

/** What the Harden modal says: the changes, then what lima.yaml cannot fix. */
export function hardenDetail(changes: string[], remaining: string[]): string {
  const lines = [...changes.map((c) => `• ${c}`)];
  if (remaining.length) lines.push("", "Not changed by this:", ...remaining.map((r) => `• ${r}`));
  return lines.join("\n");
}
