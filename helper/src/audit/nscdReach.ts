// Whether the agent user can reach a name-service cache (nscd or nsncd, on by default in NixOS).
// nscd resolves names as its own user, so through it the agent could resolve — and send data out
// in — any name past the per-user DNS filter; nixlima's agent module closes nscd's folder to the
// agent (nix/modules/agent-nscd.nix). A guest built before that, or a Debian guest with nscd
// installed, shows it open. Checked as the agent itself (sudo -u), so access() sees the ACL.
import type { SandboxProof } from "../protocol";

/** The socket glibc asks (its _PATH_NSCDSOCKET is /var/run/nscd/socket; /var/run is /run). */
export const NSCD_SOCKET = "/run/nscd/socket";

/** Shell lines for the proof script: $u is the agent user, $n the socket. Prints nothing when Lima's user cannot act as the agent. */
export const NSCD_LINES = String.raw`if [ ! -S "$n" ]; then echo nscd=none
else sudo -n -u "$u" sh -c 'if [ -w "$1" ]; then echo nscd=open; else echo nscd=closed; fi' nscd "$n" 2> /dev/null || true; fi`;

/** true: the agent can ask nscd; false: it cannot, or there is none; null: nobody could look. */
export function parseNscd(text: string): Pick<SandboxProof, "nscdOpen"> {
  const value = /^nscd=(none|open|closed)$/m.exec(text)?.[1];
  return { nscdOpen: value === "open" ? true : value === undefined ? null : false };
}

/** What the guest lacks for the agent's lookups to pass the filter, in plain words; undefined when nothing. */
export function nscdGap(proof: SandboxProof, user: string): string | undefined {
  if (proof.nscdOpen === false) return undefined;
  return proof.nscdOpen
    ? `a name-service cache closed to the agent user (${user} can resolve any name through nscd, past the DNS filter)`
    : "a check that the agent user cannot use the name-service cache (nscd)";
}
