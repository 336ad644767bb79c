// An agent sandbox in the Debian test guest, made from exactly what nixlima's agent module
// renders (evaluated with nixpkgs' module system, helper/test/nix/evalModules.ts): the agent
// user with the module's uid and group, /etc/nixlima/agent.json, the nftables egress table
// loaded as NixOS's nftables.service loads it, and the filtering dnsmasq. Shared by the egress
// test and the agent tests. Not covered (needs a NixOS image): the units that do this at boot.
import type { Rendered } from "../../helper/test/nix/evalModules";

/** Runs a bash script in the guest as Lima's user (stdin from `input`); its stdout. */
export type GuestShell = (script: string, input?: string) => Promise<string>;

export const EGRESS_RULESET = "/etc/nixlima/egress.nft";
const DNSMASQ_CONF = "/etc/nixlima/dnsmasq.conf";
const DNSMASQ_UNIT = "nixlima-dnsmasq";
/** Lima's user-mode DNS address (its host resolver behind it). */
const LIMA_DNS = "192.168.5.3";

/**
 * The ruleset file as NixOS's nftables module writes it: each table is dropped first (so a
 * reload replaces it, and empties its sets), then defined again.
 */
export function egressRulesetFile(rendered: Rendered): string {
  const tables = [...rendered.nftables.matchAll(/^table (\S+) (\S+) \{$/gm)].map((m) => `${m[1]} ${m[2]}`);
  return [...tables.flatMap((t) => [`table ${t}`, `delete table ${t}`]), rendered.nftables].join("\n");
}

/** The agent user the module declares (name, uid, group), or a clear error. */
export function agentUser(rendered: Rendered, name = "agent"): { name: string; uid: number; group: string } {
  const user = rendered.users[name];
  if (!user?.uid) throw new Error(`The evaluated modules declare no user "${name}" with a uid.`);
  return { name, uid: user.uid, group: user.group };
}

/**
 * Makes the guest an agent sandbox: the agent user (not in sudo or wheel), agent.json, the
 * egress ruleset loaded, and dnsmasq started as a transient unit with the rendered settings
 * (its upstream is the guest's own resolver, Lima's DNS, as on NixOS with resolveLocalQueries off).
 */
export async function installAgentSandbox(guest: GuestShell, rendered: Rendered): Promise<void> {
  const user = agentUser(rendered);
  await guest(`set -eu
id -u ${user.name} >/dev/null 2>&1 || sudo useradd --uid ${user.uid} --gid ${user.group} --create-home --shell /bin/bash ${user.name}
sudo mkdir -p /etc/nixlima
sudo tee /etc/nixlima/agent.json >/dev/null`, rendered.agentJson ?? "null");
  if (rendered.nftablesEnabled) {
    await guest(`sudo tee ${EGRESS_RULESET} >/dev/null && sudo nft -f ${EGRESS_RULESET}`, egressRulesetFile(rendered));
  }
  if (rendered.dnsmasq.enable) {
    await guest(`set -eu
sudo tee ${DNSMASQ_CONF} >/dev/null
# The system resolver is Lima's DNS address, as Lima's network-config sets it (the test image
# turns that off and keeps the resolv.conf of the machine that built it).
sudo rm -f /etc/resolv.conf; echo 'nameserver ${LIMA_DNS}' | sudo tee /etc/resolv.conf >/dev/null
sudo systemctl stop ${DNSMASQ_UNIT} 2>/dev/null || true
sudo systemd-run --quiet --unit ${DNSMASQ_UNIT} --property Type=simple dnsmasq --keep-in-foreground --conf-file=${DNSMASQ_CONF}
for _ in $(seq 50); do sudo ss -ulnH 'sport = :53' | grep -q 127.0.0.1 && exit 0; sleep 0.2; done
echo "dnsmasq is not listening on 127.0.0.1:53" >&2; sudo journalctl -u ${DNSMASQ_UNIT} --no-pager | tail -n 20 >&2; exit 1`, rendered.dnsmasq.conf);
  }
}

/** Loads the ruleset file again, as `systemctl reload nftables` does on NixOS. */
export async function reloadEgress(guest: GuestShell): Promise<void> {
  await guest(`sudo nft -f ${EGRESS_RULESET}`);
}

/** Runs bash as the agent user (a login-less `sudo -u`); its exit code and output, never throwing on failure. */
export async function asAgent(guest: GuestShell, script: string, user = "agent"): Promise<{ code: number; output: string }> {
  const out = await guest(`sudo -u ${user} bash -c "$(cat)" >/tmp/as-agent.out 2>&1; echo "exit=$?"; cat /tmp/as-agent.out`, script);
  return { code: Number(/^exit=(\d+)$/m.exec(out)?.[1] ?? -1), output: out };
}
