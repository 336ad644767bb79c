// Whether a guest proves it is an agent sandbox. agent.json only says nixlima's agent module was
// configured; the guest itself must show the rest: the agent user exists, it cannot use sudo, the
// egress filter is loaded in the kernel, and its account gives it no other way up
// (agentAccount.ts: no admin group, no Nix daemon trust, agent.json only root's to change) and no
// name-service cache resolving past the DNS filter for it (nscdReach.ts). A VM
// on the published NixOS-for-Lima image (no nixlima modules) has none of it: agents there run as
// Lima's user, who has passwordless sudo, with an open network. Nothing is called a sandbox on
// agent.json alone.
import type { AgentFacts, SandboxProof, Vm } from "../protocol";
import { runGuestScript } from "../dispatch/guestSsh";
import { ACCOUNT_LINES, accountGaps, parseAccount } from "./agentAccount";
import { NSCD_LINES, NSCD_SOCKET, nscdGap, parseNscd } from "./nscdReach";

/** The nftables table nixlima's agent-egress module loads (nix/modules/agent-egress.nix). */
export const EGRESS_TABLE = "inet nixlima_egress";

// Run as Lima's user over ssh with the agent user's name as $1 and agent.json's path as $2;
// prints key=value lines (agentAccount.ts adds the account's groups, Nix trust and agent.json's owner;
// nscdReach.ts whether the agent can ask nscd).
const PROOF_SCRIPT = `u=$1 f=$2 n=${NSCD_SOCKET}
${ACCOUNT_LINES}
${NSCD_LINES}
if id -u -- "$u" >/dev/null 2>&1; then echo user=yes; else echo user=no; fi
if sudo -n true 2>/dev/null; then
  if sudo -n -l -U "$u" 2>/dev/null | grep -q 'may run'; then echo sudo=yes; else echo sudo=no; fi
  if sudo -n nft list table ${EGRESS_TABLE} >/dev/null 2>&1; then echo egress=yes; else echo egress=no; fi
else echo sudo=unknown; echo egress=unknown; fi`;

export function parseProof(text: string, user: string): SandboxProof {
  const value = (key: string) => new RegExp(`^${key}=(yes|no|unknown)$`, "m").exec(text)?.[1] ?? "unknown";
  const flag = (key: string) => ({ yes: true, no: false })[value(key)] ?? null;
  return { agentUser: value("user") === "yes", agentSudo: flag("sudo"), egressFilter: flag("egress"), ...parseAccount(text, user), ...parseNscd(text) };
}

export async function readSandboxProof(vm: Vm, user: string, factsPath: string): Promise<SandboxProof> {
  return parseProof(await runGuestScript(vm, PROOF_SCRIPT, [user, factsPath], 30_000), user);
}

/** Proven, or each missing part in plain words. */
export function sandboxVerdict(facts: AgentFacts): { proven: boolean; missing: string[] } {
  if (!facts.user || facts.egressAllow === undefined) {
    return { proven: false, missing: ["nixlima's agent module (no separate agent user, no egress filter)"] };
  }
  const proof = facts.proof;
  if (!proof) return { proven: false, missing: ["a check of the running guest (start the VM and audit again)"] };
  const missing = [
    proof.agentUser ? undefined : `the agent user ${facts.user}`,
    proof.agentSudo === false ? undefined : proof.agentSudo ? `an agent user without sudo (${facts.user} can use sudo)` : "a check that the agent user cannot use sudo",
    proof.egressFilter === true ? undefined : proof.egressFilter === false ? "the egress filter in the kernel" : "a check that the egress filter is loaded",
    ...(proof.agentUser ? [...accountGaps(proof, facts.user), nscdGap(proof, facts.user)] : []),
  ].filter((m): m is string => m !== undefined);
  return { proven: missing.length === 0, missing };
}
