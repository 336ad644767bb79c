// What the guest's own records say about the agent user's rights, beyond sudo: its groups, whether
// the Nix daemon trusts it, and whether it could rewrite the agent.json the audit reads. Each is
// read by Lima's user from files only root can change (the account database, nix.conf, stat of
// /etc/nixlima), never from agent.json itself.
import type { SandboxProof } from "../protocol";

/** Groups whose members can make themselves root (or are root's): the agent must be in none. */
export const ADMIN_GROUPS = ["wheel", "sudo", "admin", "root", "docker", "lxd", "libvirt"];

/** Shell lines for the proof script: $u is the agent user, $f the agent.json path. */
export const ACCOUNT_LINES = String.raw`echo "me=$(id -un)"
id -u -- "$u" > /dev/null 2>&1 && echo "groups=$(id -Gn -- "$u")"
if [ -e /etc/nix/nix.conf ]; then
  [ -r /etc/nix/nix.conf ] && echo nixconf=yes || echo nixconf=unreadable
  sed -n 's/^[[:space:]]*\(extra-\)\{0,1\}trusted-users[[:space:]]*=/trusted=/p' /etc/nix/nix.conf 2> /dev/null
else echo nixconf=no; fi
echo "facts=$(stat -Lc '%u:%a' -- "$f" 2> /dev/null) $(stat -Lc '%u:%a' -- "$(dirname -- "$f")" 2> /dev/null)"`;

const line = (text: string, key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1];

/** Root's, and writable by nobody else: `uid:octal mode` as stat printed it. */
function rootOnly(stat: string): boolean {
  const [uid, mode] = stat.split(":");
  return uid === "0" && mode !== undefined && (parseInt(mode, 8) & 0o022) === 0;
}

function nixTrusted(text: string, user: string, groups: string[]): boolean | null {
  const conf = line(text, "nixconf");
  if (conf === "no") return false; // No daemon settings: Nix trusts root alone.
  if (conf !== "yes") return null;
  // Every trusted-users and extra-trusted-users line counts, even one a later line overrides: the safe side.
  const words = [...text.matchAll(/^trusted=(.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  return words.some((w) => w === "*" || w === user || (w.startsWith("@") && groups.includes(w.slice(1))));
}

/** The account part of the proof, from the script's output. */
export function parseAccount(text: string, user: string): Pick<SandboxProof, "limaUser" | "agentGroups" | "nixTrusted" | "factsRootOnly"> {
  const groups = line(text, "groups")?.trim().split(/\s+/).filter(Boolean) ?? [];
  const facts = line(text, "facts")?.trim().split(" ").filter(Boolean) ?? [];
  const me = line(text, "me");
  return {
    ...(me ? { limaUser: me } : {}),
    agentGroups: groups,
    nixTrusted: nixTrusted(text, user, groups),
    factsRootOnly: facts.length === 2 ? facts.every(rootOnly) : null,
  };
}

/** What the agent user's account lacks to be unprivileged, in plain words; empty when nothing. */
export function accountGaps(proof: SandboxProof, user: string): string[] {
  const admin = (proof.agentGroups ?? []).filter((g) => ADMIN_GROUPS.includes(g));
  return [
    proof.agentGroups === undefined ? "a check of the agent user's groups" : admin.length > 0 ? `an agent user outside the admin groups (${user} is in ${admin.join(", ")})` : undefined,
    proof.nixTrusted === false ? undefined : proof.nixTrusted ? `an agent user the Nix daemon does not trust (nix.conf trusts ${user})` : "a check of the Nix daemon's trusted users",
    proof.factsRootOnly === true ? undefined : proof.factsRootOnly === false ? "an agent.json only root can change (someone else can write it or its folder)" : "a check of who can change agent.json",
  ].filter((m): m is string => m !== undefined);
}
