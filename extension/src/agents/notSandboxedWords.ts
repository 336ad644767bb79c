// What the question before a dispatch to a VM that is not a proven agent sandbox says. Pure:
// the audit (or why there is none) in, the modal's words out, or nothing when every VM is one.
import type { Audit } from "../../../helper/src/protocol";

export const DISPATCH_ANYWAY = "Dispatch Anyway";

/** One VM's audit, or the sentence that says why nixlima could not read it. */
export type SandboxCheck = { vm: string; audit: Audit } | { vm: string; error: string };

/** The modal's message and detail, or undefined when every VM's guest showed the sandbox. */
export function notSandboxedQuestion(checks: SandboxCheck[]): { message: string; detail: string } | undefined {
  const unproven = checks.filter((c) => !("audit" in c && c.audit.sandbox));
  if (unproven.length === 0) return undefined;
  const names = unproven.map((c) => c.vm);
  const subject = names.length === 1 ? `${names[0]} is not an agent sandbox` : `${names.length} VMs are not agent sandboxes (${names.join(", ")})`;
  const reasons = unproven.map((c) => {
    const why = "audit" in c ? c.audit.findings.find((f) => f.id === "sandbox")?.detail ?? c.audit.summary : `nixlima could not check its guest: ${c.error}`;
    return names.length === 1 ? why : `${c.vm}: ${why}`;
  });
  return {
    message: `${subject}. Dispatch anyway?`,
    detail: ["The agent runs with its permission checks off and with what the VM's own user has, passwordless sudo included.", ...reasons].join("\n\n"),
  };
}
