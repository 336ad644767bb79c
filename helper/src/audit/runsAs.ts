// Which guest user a dispatch runs its agent as: the agent user, only when the guest proved the
// sandbox (sandboxProof.ts: the user exists, cannot use sudo, the egress filter is loaded); else
// Lima's user, as before. One rule for dispatch (which acts on it) and the audit (which reports it).
import type { AgentFacts, AuditFinding } from "../protocol";
import { sandboxVerdict } from "./sandboxProof";

/** A plain POSIX user name: nothing sudo could read as an option, nothing a shell would expand. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** The agent user a dispatch runs as, or undefined: then it runs as Lima's user. */
export function dispatchAgentUser(facts: AgentFacts): string | undefined {
  if (!facts.user || !USER_NAME.test(facts.user)) return undefined;
  return sandboxVerdict(facts).proven ? facts.user : undefined;
}

/** Who a dispatch runs as, for people: the agent user's name, else Lima's user's (when the guest told it). */
export function dispatchUserName(facts: AgentFacts): string {
  return dispatchAgentUser(facts) ?? facts.proof?.limaUser ?? "Lima's user";
}

/** The audit's answer to "which user runs a dispatched agent", from what the guest showed. */
export function runsAsFinding(facts: AgentFacts): AuditFinding {
  const agentUser = dispatchAgentUser(facts);
  if (agentUser) {
    return {
      id: "runs-as",
      level: "ok",
      title: `Dispatched agents run as ${agentUser}`,
      detail: `${agentUser} is in no admin group, cannot use sudo, is not trusted by the Nix daemon and is confined by the egress filter; Lima's user${limaName(facts)} only sets each task up. Read from the guest's accounts, sudo rules, nix.conf and kernel, which ${agentUser} cannot change.`,
    };
  }
  const { missing } = sandboxVerdict(facts);
  const sudo = facts.proof && facts.proof.agentSudo !== null ? "has passwordless sudo" : "may have sudo";
  return {
    id: "runs-as",
    level: facts.autonomousMode === true || facts.user ? "warning" : "info",
    title: `Dispatched agents run as Lima's user${limaName(facts)}`,
    detail: `Not as an agent user: the guest lacks ${missing.join("; ")}. Lima's user ${sudo}, and no egress filter confines it.`,
    fix: "Create agent VMs from nixlima's agent image (nixlima build agent); dispatch then runs the agent as its unprivileged user.",
  };
}

const limaName = (facts: AgentFacts) => (facts.proof?.limaUser ? ` (${facts.proof.limaUser})` : "");
