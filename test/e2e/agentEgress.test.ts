// The agent sandbox's egress filter in a real kernel: the nftables ruleset and the dnsmasq
// settings that nixlima's NixOS modules render (evaluated with nixpkgs' module system, as in
// helper/test/nix/modulesEval.test.ts) loaded exactly into the Debian test guest, with the agent
// user of the module's uid (test/support/agentGuest.ts). Lima's host resolver answers two test
// names with the guest's gateway, behind which a loopback server on this host listens; only one
// name is allowed. Not covered here (needs a NixOS image): the units that load these at boot.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { bootTestVm, destroyInstance, guestShell } from "../support/testVmRun";
import { asAgent as runAsAgent, installAgentSandbox, reloadEgress } from "../support/agentGuest";
import { tempNix } from "../../helper/test/nix/nixEnv";
import { evalProfile } from "../../helper/test/nix/evalModules";
import { auditVm } from "../../helper/src/audit/audit";
import { Limactl } from "../../helper/src/lima/limactl";
import type { Audit } from "../../helper/src/protocol";
import { describeSandbox } from "../../extension/src/tree/sandboxFormat";
import { DENIED, GATEWAY } from "../support/agentEgress";

const name = "e2e-egress";
const home = tempLimaHome();
const nix = tempNix();
const allowedName = "allowed.nixlima.test";
const gatewayRe = GATEWAY.replaceAll(".", "\\.");
let server: Server;
let port = 0;
let limactl: Limactl;
/** The audit of the plain Debian guest, before the sandbox is installed: no nixlima modules, as on the published image. */
let plainAudit: Audit;

const guest = (script: string, input?: string) => guestShell(home.dir, name, script, input);
const asAgent = (script: string) => runAsAgent(guest, script);
const httpGet = (host: string) =>
  `exec 3<>/dev/tcp/${host}/${port} && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;

before(async () => {
  server = createServer((_req, res) => res.end("hello from the host\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  const rendered = await evalProfile(nix.env, "agent", { services: { nixlima: { agent: { egress: { allow: [allowedName] } } } } });
  const config = { ...testVmConfig({}), hostResolver: { hosts: { [allowedName]: GATEWAY, [DENIED]: GATEWAY } } };
  await bootTestVm(home.dir, name, "egress", stringify(config));
  limactl = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...process.env, ...qemuEnv });
  plainAudit = await auditVm(limactl, name);
  await installAgentSandbox(guest, rendered);
});

after(async () => {
  await destroyInstance(home.dir, name);
  home.dispose();
  nix.dispose();
  server?.close();
});

// Every test starts from empty sets, as after a boot.
beforeEach(async () => {
  await guest("sudo nft flush set inet nixlima_egress allow4 && sudo nft flush set inet nixlima_egress allow6");
});

test("the guest's dnsmasq was built with nftset and runs the rendered settings", async () => {
  // By its path: the Lima user's PATH has no /usr/sbin on a lima-init boot (Lima's cloud-init
  // boot scripts add it to ~/.profile; NixOS has no /usr/sbin to add).
  assert.match(await guest("/usr/sbin/dnsmasq --version"), /\bnftset\b/);
  assert.match(await guest("systemctl is-active nixlima-dnsmasq"), /^active\s*$/);
});

test("as the agent, an allowed name resolves and its server answers", { timeout: 120_000 }, async () => {
  const r = await asAgent(`getent hosts ${allowedName} && ${httpGet(allowedName)}`);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, new RegExp(`^${gatewayRe}\\s+${allowedName}`, "m"));
  assert.match(r.output, /hello from the host/);
});

// A DNS query for the A records of a name, as printf's argument, and the first 4 bytes of the reply
// (id 12 34, flags) as hex, over UDP or TCP (bash's /dev/udp, /dev/tcp) to port 53 of an address.
const label = (l: string) => `\\x${l.length.toString(16).padStart(2, "0")}${l}`;
const qname = (name: string) => name.split(".").map(label).join("") + "\\x00";
const query = (name: string) => `'\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00${qname(name)}\\x00\\x01\\x00\\x01'`;
const askUdp = (ip: string, name: string) =>
  `exec 3<>/dev/udp/${ip}/53 && printf ${query(name)} >&3 && timeout 5 head -c 4 <&3 | od -An -tx1`;
const askTcp = (ip: string, name: string) => {
  const length = 12 + name.length + 2 + 4;
  return `exec 3<>/dev/tcp/${ip}/53 && printf '\\x00\\x${length.toString(16).padStart(2, "0")}'${query(name)} >&3 && timeout 5 head -c 6 <&3 | tail -c 4 | od -An -tx1`;
};
/** The reply's id 12 34, then QR set, then the rcode in the low nibble of byte 4. */
const rcode = (code: number) => new RegExp(`^\\s*12 34 8[0-9a-f] [0-9a-f]${code}\\s*$`, "m");
const NOERROR = 0;
const NXDOMAIN = 3;

test("as the agent, a name off the list gets NXDOMAIN, though the Lima user resolves it", { timeout: 120_000 }, async () => {
  const r = await asAgent(`getent hosts ${DENIED}`);
  assert.equal(r.code, 2, r.output); // getent: key not found
  assert.doesNotMatch(r.output, new RegExp(gatewayRe));
  assert.match((await asAgent(askUdp("127.0.0.1", DENIED))).output, rcode(NXDOMAIN));
  assert.match(await guest(`getent hosts ${DENIED}`), new RegExp(`^${gatewayRe}\\s`));
});

// The agent's port-53 traffic to any address is turned to the filter: the server it named never
// sees the query (Lima's DNS would answer the denied name; 8.8.8.8 is not reachable here at all).
for (const [server, what] of [
  ["192.168.5.3", "Lima's DNS"],
  ["8.8.8.8", "a public resolver by address"],
  ["127.0.0.53", "systemd-resolved's stub"],
]) {
  test(`as the agent, DNS to ${what} (${server}) is answered by the filter: NXDOMAIN for a name off the list`, { timeout: 120_000 }, async () => {
    const udp = await asAgent(askUdp(server, DENIED));
    assert.match(udp.output, rcode(NXDOMAIN), udp.output);
    const tcp = await asAgent(askTcp(server, DENIED));
    assert.match(tcp.output, rcode(NXDOMAIN), tcp.output);
    const allowed = await asAgent(askUdp(server, allowedName));
    assert.match(allowed.output, rcode(NOERROR), allowed.output);
  });
}

test("the Lima user asking Lima's DNS directly gets its real answer for the denied name", { timeout: 60_000 }, async () => {
  assert.match(await guest(askUdp("192.168.5.3", DENIED)), rcode(NOERROR));
  assert.match(await guest(askTcp("192.168.5.3", DENIED)), rcode(NOERROR));
});

test("sudo -n true fails for the agent", { timeout: 60_000 }, async () => {
  const r = await asAgent("sudo -n true");
  assert.notEqual(r.code, 0, r.output);
});

test("the Lima user, sshd and Lima's guest agent are unaffected by the ruleset", { timeout: 60_000 }, async () => {
  assert.equal((await guest("echo ssh-works")).trim(), "ssh-works");
  assert.equal((await guest("systemctl is-active ssh.service lima-guestagent.service")).trim(), "active\nactive");
});

test("IPv6 neighbour discovery still works: a TCP connect over a fresh link is refused by the peer, not lost", { timeout: 120_000 }, async () => {
  // A veth pair into a network namespace: reaching fd00:6e6c::2 needs neighbour solicitations,
  // which the kernel sends from no process's socket. Refused = the peer answered.
  await guest(`set -eu
# systemd-networkd would take the veth end as its own (Type=ether) and drop foreign addresses.
sudo mkdir -p /run/systemd/network
printf '[Match]\\nName=nl-nd0\\n\\n[Link]\\nUnmanaged=yes\\n' | sudo tee /run/systemd/network/10-nl-nd.network >/dev/null
sudo networkctl reload
sudo ip netns add nd
sudo ip link add nl-nd0 type veth peer name nl-nd1 netns nd
sudo ip addr add fd00:6e6c::1/64 dev nl-nd0 nodad
sudo ip -n nd addr add fd00:6e6c::2/64 dev nl-nd1 nodad
sudo ip link set nl-nd0 up; sudo ip -n nd link set nl-nd1 up`);
  const connect = "timeout 10 bash -c 'exec 3<>/dev/tcp/fd00:6e6c::2/9' 2>&1; echo \"exit=$?\"";
  const out = await guest(connect);
  assert.match(out, /Connection refused/, out);
  assert.match(await guest("ip -6 neigh show dev nl-nd0"), /fd00:6e6c::2 lladdr [0-9a-f:]+ (REACHABLE|STALE|DELAY)/);
});

test("after the ruleset is loaded again (nft -f), the allowed name still connects", { timeout: 120_000 }, async () => {
  assert.equal((await asAgent(httpGet(allowedName))).code, 0);
  await reloadEgress(guest);
  assert.equal((await guest("sudo nft list set inet nixlima_egress allow4")).includes(GATEWAY), false, "the reload emptied the set");
  const r = await asAgent(httpGet(allowedName));
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /hello from the host/);
});

test("a connection the agent opened before a reload keeps working after it", { timeout: 120_000 }, async () => {
  // The agent connects, waits for the reload, then sends its request on the same connection.
  const agentScript = `exec 3<>/dev/tcp/${allowedName}/${port} || exit 1; touch /tmp/nl-opened
while [ ! -e /tmp/nl-reloaded ]; do sleep 0.2; done
printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3; cat <&3`;
  await guest(`rm -f /tmp/nl-opened /tmp/nl-reloaded /tmp/nl-long.out
script=$(cat); setsid sudo -u agent bash -c "$script" >/tmp/nl-long.out 2>&1 </dev/null &`, agentScript);
  await guest("for _ in $(seq 100); do [ -e /tmp/nl-opened ] && exit 0; sleep 0.2; done; cat /tmp/nl-long.out; exit 1");
  await reloadEgress(guest);
  await guest("touch /tmp/nl-reloaded");
  const out = await guest("for _ in $(seq 100); do grep -q 'hello' /tmp/nl-long.out && break; sleep 0.2; done; cat /tmp/nl-long.out");
  assert.match(out, /hello from the host/);
});

test("a guest without nixlima's modules (as on the published image) is not called a sandbox", () => {
  assert.equal(plainAudit.agent.source, "guest");
  assert.equal(plainAudit.sandbox, false);
  assert.equal(plainAudit.unrestrictedNetwork, true);
  assert.match(plainAudit.findings.find((f) => f.id === "sandbox")?.detail ?? "", /lacks nixlima's agent module/);
  assert.match(describeSandbox(plainAudit), /^not a sandbox · /);
});

test("with the rendered sandbox installed, the guest shows it and the audit calls it one", { timeout: 60_000 }, async () => {
  const a = await auditVm(limactl, name);
  assert.deepEqual([a.agent.proof?.agentUser, a.agent.proof?.agentSudo, a.agent.proof?.egressFilter], [true, false, true]);
  assert.equal(a.sandbox, true, a.summary);
  assert.equal(a.runsAs, "agent");
  assert.ok(a.agent.egressAllow?.includes(allowedName));
  assert.equal(a.findings.find((f) => f.id === "sandbox")?.level, "ok");
});
