// nixlima's NixOS modules evaluated with the real module system (nixpkgs' lib.evalModules, from
// the vendored nixpkgs lib/) and Debian's nix-instantiate, with stand-ins only for the NixOS
// options outside nixlima (fixtures/eval/standins). Each profile renders what its guest would
// run — the nftables ruleset, dnsmasq's configuration, agent.json, tmpfiles rules, the kernel
// command line — and these tests read those renderings.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { join, posix } from "node:path";
import { existsSync } from "node:fs";
import { tempNix } from "./nixEnv";
import { evalProfile, nixpkgsLib, type Rendered } from "./evalModules";

const nix = tempNix();
after(() => nix.dispose());
const render = (profile: string, config: object = {}, extra: Parameters<typeof evalProfile>[3] = {}) =>
  evalProfile(nix.env, profile, config, extra);

const defaultHosts = [
  "api.anthropic.com",
  "statsig.anthropic.com",
  "console.anthropic.com",
  "api.openai.com",
  "auth.openai.com",
  "chatgpt.com",
  "opencode.ai",
  "models.dev",
];
const agentJson = (r: Rendered) => JSON.parse(r.agentJson ?? "null") as { user: string; egress: { allow: string[] } };
const dnsmasqLines = (r: Rendered, key: string) =>
  r.dnsmasq.conf.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

test("the vendored nixpkgs lib is there", () => {
  assert.ok(existsSync(join(nixpkgsLib, "modules.nix")), `no nixpkgs lib at ${nixpkgsLib}`);
});

for (const profile of ["minimal", "dev"]) {
  test(`${profile}: a Lima guest with no agent user, no egress filter and no agent.json`, async () => {
    const r = await render(profile);
    assert.equal(r.agentJson, null);
    assert.equal(r.nftables, "");
    assert.equal(r.dnsmasq.enable, false);
    assert.deepEqual(Object.keys(r.users), []);
    assert.ok(r.limaInitIsTheScript, "lima-init.service runs nix/modules/lima-init.sh");
    assert.ok(r.guestAgentIsTheScript, "lima-guestagent.service runs nix/modules/lima-guestagent.sh");
    assert.ok(r.units["lima-init"]!.path.some((p) => p.endsWith("-getent")), "lima-init needs getent for the uid check");
    assert.equal(r.packages.includes("gcc"), profile === "dev");
  });
}

test("the cidata mount does not hold the boot when the disk is missing (nofail)", async () => {
  const r = await render("minimal");
  assert.ok(r.cidataOptions.includes("nofail"), r.cidataOptions.join(","));
  assert.ok(r.cidataOptions.includes("ro"));
});

for (const [system, serial] of [["aarch64-linux", "ttyAMA0"], ["x86_64-linux", "ttyS0"]] as const) {
  test(`${system}: the kernel logs to QEMU's serial port and to vz's virtio console`, async () => {
    const r = await render("minimal", {}, { system });
    assert.ok(r.kernelParams.some((p) => p.startsWith(`console=${serial}`)), r.kernelParams.join(" "));
    assert.ok(r.kernelParams.includes("console=hvc0"), r.kernelParams.join(" "));
  });
}

test("agent: the agent user (uid 2000, not in wheel, kept from the Nix daemon) and its agent.json", async () => {
  const r = await render("agent");
  assert.deepEqual(r.users.agent, { uid: 2000, home: "/home/agent", group: "users", extraGroups: [] });
  assert.deepEqual(r.allowedUsers, ["root", "@wheel"]);
  const json = agentJson(r);
  assert.equal(json.user, "agent");
  assert.deepEqual(json.egress.allow, defaultHosts);
});

test("agent: tmpfiles gives every folder up to each settings file to the agent, parents first", async () => {
  const r = await render("agent");
  const made = new Set<string>();
  for (const rule of r.tmpfiles) {
    const [type, path, , user] = rule.split(/\s+/);
    const parent = posix.dirname(path!);
    assert.ok(parent === "/home/agent" || made.has(parent), `${rule}: ${parent} would be created by tmpfiles as root`);
    if (type === "d") {
      assert.equal(user, "agent", rule);
      made.add(path!);
    }
  }
  assert.ok(made.has("/home/agent/.config"), r.tmpfiles.join("\n"));
  assert.ok(r.tmpfiles.some((l) => l.startsWith("C /home/agent/.config/opencode/opencode.json ")));
});

test("agent: the ruleset matches the agent positively, so packets no process owns (neighbour discovery) pass", async () => {
  const r = await render("agent");
  assert.doesNotMatch(r.nftables, /skuid\s*!=/);
  assert.match(r.nftables, /^\s*meta skuid 2000 jump agent$/m);
  assert.match(r.nftables, /^\s*counter reject with icmpx type admin-prohibited$/m);
  assert.match(r.nftables, /^table inet nixlima_egress \{$/m);
});

test("agent: the agent's DNS goes to dnsmasq, which answers only allowed names and fills the sets", async () => {
  const r = await render("agent");
  assert.match(r.nftables, /meta skuid 2000 meta l4proto \{ udp, tcp \} th dport 53 redirect to :53/);
  // After that redirect oifname still names eth0: the redirected query is let through by address.
  assert.match(r.nftables, /^\s*ip daddr 127\.0\.0\.0\/8 accept\n\s*ip6 daddr ::1 accept$/m);
  assert.equal(r.dnsmasq.enable, true);
  assert.equal(r.dnsmasq.resolveLocalQueries, false, "other users keep the system resolver");
  assert.deepEqual(dnsmasqLines(r, "address"), ["/#/"], "every other name: NXDOMAIN, never forwarded");
  // resolv.conf's servers would serve every name address=/#/ should refuse (seen in a real guest):
  // dnsmasq reads none, and each allowed domain names its server, Lima's DNS address.
  assert.ok(r.dnsmasq.conf.split("\n").includes("no-resolv"), r.dnsmasq.conf);
  assert.deepEqual(dnsmasqLines(r, "server"), defaultHosts.map((h) => `/${h}/192.168.5.3`));
  assert.doesNotMatch(r.dnsmasq.conf, /^server=[^/]|\/#$/m, "no server for every name, no 'standard servers' forward");
  assert.deepEqual(
    dnsmasqLines(r, "nftset"),
    defaultHosts.map((h) => `/${h}/4#inet#nixlima_egress#allow4,6#inet#nixlima_egress#allow6`),
  );
  // A reload of the ruleset empties the sets: with no cache, the next lookup fills them again.
  assert.deepEqual(dnsmasqLines(r, "cache-size"), ["0"]);
  assert.deepEqual(r.units.dnsmasq!.after, ["nftables.service"]);
});

test("agent module imported but not enabled: nothing of the sandbox is configured", async () => {
  const r = await render("agent-module", { services: { nixlima: { agent: { agents: { claude: { enable: true } } } } } });
  assert.equal(r.agentJson, null);
  assert.equal(r.nftables, "");
  assert.equal(r.dnsmasq.enable, false);
  assert.deepEqual(r.tmpfiles, []);
  assert.equal(r.unfree["claude-code"], false);
});

test("a custom allow list adds to the agents' own API hosts", async () => {
  const r = await render("agent", { services: { nixlima: { agent: { egress: { allow: ["github.com", "api.openai.com"] } } } } });
  assert.deepEqual(agentJson(r).egress.allow, [...defaultHosts, "github.com"]);
  assert.ok(dnsmasqLines(r, "server").includes("/github.com/192.168.5.3"));
});

test("custom resolvers: each allowed domain is asked of each of them, and of nothing else", async () => {
  const resolvers = ["10.0.2.3", "fd00::3"];
  const r = await render("agent", { services: { nixlima: { agent: { egress: { allow: ["github.com"], resolvers } } } } });
  const github = dnsmasqLines(r, "server").filter((l) => l.startsWith("/github.com/"));
  assert.deepEqual(github, ["/github.com/10.0.2.3", "/github.com/fd00::3"]);
  assert.ok(!r.dnsmasq.conf.includes("192.168.5.3"), r.dnsmasq.conf);
});

test("a custom user: the rules, files and agent.json follow it", async () => {
  const r = await render("agent", { services: { nixlima: { agent: { user: "bot" } } } });
  assert.equal(r.users.bot?.uid, 2000);
  assert.equal(agentJson(r).user, "bot");
  assert.ok(r.tmpfiles.length > 0, "the agent module declares its files");
  assert.ok(r.tmpfiles.every((l) => l.split(/\s+/)[1]!.startsWith("/home/bot/")), r.tmpfiles.join("\n"));
  assert.match(r.nftables, /meta skuid 2000 jump agent/);
});

const telemetry = (endpoint: string) => render("agent", { services: { nixlima: { agent: { telemetry: { endpoint } } } } });

test("telemetry http://host:port: the host is allowed by name, and Claude Code reports there", async () => {
  const r = await telemetry("http://otel.example.internal:4318");
  assert.ok(agentJson(r).egress.allow.includes("otel.example.internal"));
  assert.ok(dnsmasqLines(r, "server").includes("/otel.example.internal/192.168.5.3"));
  assert.equal(r.variables.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel.example.internal:4318");
});

test("telemetry http://[fd00::1]:4318: the IPv6 literal is allowed as an address, not as a name", async () => {
  const r = await telemetry("http://[fd00::1]:4318");
  assert.match(r.nftables, /^\s*ip6 daddr fd00::1 accept$/m);
  assert.ok(agentJson(r).egress.allow.includes("fd00::1"));
  assert.ok(!r.dnsmasq.conf.includes("fd00"), r.dnsmasq.conf);
});

test("telemetry https://10.1.2.3:4318/v1: the IPv4 literal is allowed as an address", async () => {
  const r = await telemetry("https://10.1.2.3:4318/v1");
  assert.match(r.nftables, /^\s*ip daddr 10\.1\.2\.3 accept$/m);
  assert.ok(!r.dnsmasq.conf.includes("10.1.2.3"));
});

test("telemetry with user:password@: only the host is allowed, the credentials go nowhere", async () => {
  const r = await telemetry("https://user:s3cret@Otel.Example.com/v1");
  assert.ok(agentJson(r).egress.allow.includes("otel.example.com"));
  for (const text of [r.agentJson!, r.nftables, r.dnsmasq.conf]) assert.ok(!/s3cret|user:/.test(text), text);
});

test("a telemetry endpoint that is not a URL stops the evaluation with one sentence", async () => {
  await assert.rejects(telemetry("otel:4318"), /'otel:4318' is not a URL like http:\/\/otel\.example:4318/);
});

test("the agent module allows Claude Code's licence without dropping the user's own unfree predicate", async () => {
  const r = await render("agent", {}, { userUnfree: ["some-user-unfree"] });
  assert.equal(r.unfree["claude-code"], true);
  assert.equal(r.unfree["some-user-unfree"], true);
  assert.equal(r.unfree.codex, false);
  const alone = await render("agent");
  assert.equal(alone.unfree["some-user-unfree"], false);
});
