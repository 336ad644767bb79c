// Which guest user a dispatch runs its agent as: the agent user, only when the guest proved the
// sandbox (sandboxProof.ts: the user exists, cannot use sudo, the egress filter is loaded); else
// Lima's user, as before. One rule for dispatch (which acts on it) and the audit (which reports it).
import type { AgentFacts } from "../protocol";
import { sandboxVerdict } from "./sandboxProof";

/** A plain POSIX user name: nothing sudo could read as an option, nothing a shell would expand. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** The agent user a dispatch runs as, or undefined: then it runs as Lima's user. */
export function dispatchAgentUser(facts: AgentFacts): string | undefined {
  if (!facts.user || !USER_NAME.test(facts.user)) return undefined;
  return sandboxVerdict(facts).proven ? facts.user : undefined;
}
