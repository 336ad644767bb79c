// The isolation audit and harden on real instances: each case is a real lima.yaml given to the
// real `limactl create` (never-booting fixtures), audited through the CLI and the module.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Audit, HardenResult, type SandboxProof } from "../../src/protocol";
import { CACHE_FILE } from "../../src/audit/agentFacts";
import { tempLimaHome } from "../../../test/support/lima";
import { runLimactl } from "../../../test/support/dummies";
import { nixlima } from "./cliHarness";

const lima = tempLimaHome();
after(() => lima.dispose());
const home = homedir();
const project = join(lima.dir, "project");

const BASE = `images: [{location: /etc/profile}]
disk: "1M"
containerd: {system: false, user: false}
`;

function create(name: string, yaml: string): string {
  runLimactl(lima.dir, ["create", "--name", name, "-"], BASE + yaml);
  return join(lima.dir, name);
}

/** What the agent module would have reported from the guest on its last run, and what the guest showed. */
function rememberGuest(dir: string, facts: unknown, proof?: SandboxProof): void {
  writeFileSync(join(dir, CACHE_FILE), JSON.stringify({ guest: { seenAt: 1, facts, ...(proof ? { proof } : {}) } }));
}
const shown: SandboxProof = { agentUser: true, agentSudo: false, egressFilter: true, limaUser: "me", agentGroups: ["users"], nixTrusted: false, factsRootOnly: true, nscdOpen: false };

async function audit(name: string): Promise<{ code: number; audit: Audit }> {
  const r = await nixlima(lima.dir, ["audit", name, "--json"]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return { code: r.code, audit: Audit.parse(JSON.parse(r.stdout)) };
}

const DEV_YAML = `# my dev VM: keep this comment
mounts:
# the whole home folder, writable
- location: "~"
  writable: true
- location: "${project}"
  mountPoint: /work
  writable: true
ssh:
  forwardAgent: true # I like my agent
  loadDotSSHPubKeys: true
portForwards:
- guestPort: 8080
  hostIP: "0.0.0.0"
`;

before(() => mkdirSync(project, { recursive: true }));

test("a dev-style VM running agents autonomously is flagged for home, agent forwarding and network", async () => {
  const dir = create("dev1", DEV_YAML);
  rememberGuest(dir, { user: "agent", autonomousMode: true, agents: ["claude"] });
  const { code, audit: a } = await audit("dev1");
  assert.equal(code, 1);
  assert.equal(a.flagged, true);
  assert.equal(a.homeExposure, "writable");
  assert.equal(a.forwardAgent, true);
  assert.equal(a.loadDotSSHPubKeys, true);
  assert.equal(a.unrestrictedNetwork, true);
  assert.deepEqual(a.agent.source, "cache");
  assert.match(a.summary, /writable mount of your home folder, your SSH agent, an unrestricted network and no proven sandbox/);
  assert.equal(a.sandbox, false);
  assert.deepEqual(
    a.mounts.map((m) => [m.location, m.writable, m.exposesHome]),
    [[home, true, true], [project, true, false]],
  );
  const levels = Object.fromEntries(a.findings.map((f) => [f.id, f.level]));
  assert.deepEqual(levels, { sandbox: "warning", "runs-as": "warning", mounts: "warning", home: "warning", "forward-agent": "warning", "ssh-keys": "info", "port-forwards": "warning", network: "warning", autonomous: "info" });
  assert.equal(a.hardenChanges.length, 3);
  assert.match(a.findings.find((f) => f.id === "mounts")!.detail, /can plant git hooks, \.vscode\/tasks\.json or package\.json scripts there/);

  const text = await nixlima(lima.dir, ["audit", "dev1"]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^⚠ dev1 \(Stopped\): Agents run here without asking/);
  assert.match(text.stdout, /WARN {2}SSH agent forwarded/);
});

test("the same exposure without autonomous agents is listed but not flagged", async () => {
  create("dev2", DEV_YAML);
  const { code, audit: a } = await audit("dev2");
  assert.equal(code, 0);
  assert.equal(a.flagged, false);
  assert.equal(a.agent.source, "none");
  assert.equal(a.homeExposure, "writable");
  assert.match(a.summary, /No autonomous agents known/);
});

test("an agent sandbox with only the project mounted and an egress allow list is not flagged", async () => {
  const dir = create("sandbox1", `mounts:\n- location: "${project}"\n  writable: true\nssh: {forwardAgent: false, loadDotSSHPubKeys: false}\n`);
  rememberGuest(dir, { user: "agent", autonomousMode: true, egress: { allow: ["api.anthropic.com"] } }, shown);
  const { code, audit: a } = await audit("sandbox1");
  assert.equal(code, 0);
  assert.equal(a.flagged, false);
  assert.equal(a.sandbox, true);
  assert.equal(a.findings.find((f) => f.id === "sandbox")?.level, "ok");
  assert.equal(a.homeExposure, "none");
  assert.equal(a.unrestrictedNetwork, false);
  assert.deepEqual(a.agent.egressAllow, ["api.anthropic.com"]);
  assert.match(a.summary, /inside a sandbox/);
  assert.equal(a.runsAs, "agent");
  assert.equal(a.findings.find((f) => f.id === "runs-as")?.title, "Dispatched agents run as agent");
  assert.equal(a.findings.find((f) => f.id === "network")?.level, "ok");
  assert.deepEqual(a.hardenChanges, []);
});

test("a sandbox nixlima dispatched to, without an egress list, is flagged for the network alone", async () => {
  const dir = create("sandbox2", `mounts: []\n`);
  writeFileSync(join(dir, CACHE_FILE), JSON.stringify({ lastDispatchAt: Date.now() }));
  const { audit: a } = await audit("sandbox2");
  assert.equal(a.agent.source, "dispatch");
  assert.equal(a.agent.autonomousMode, true);
  assert.equal(a.flagged, true);
  assert.match(a.summary, /have an unrestricted network and no proven sandbox:/);
});

test("agent.json alone is no sandbox: the guest must show the agent user without sudo and the egress filter", async () => {
  const facts = { user: "agent", autonomousMode: true, egress: { allow: ["api.anthropic.com"] } };
  const cases: [string, SandboxProof | undefined, RegExp][] = [
    ["never checked", undefined, /a check of the running guest/],
    ["no agent user", { ...shown, agentUser: false }, /the agent user agent/],
    ["agent with sudo", { ...shown, agentSudo: true }, /an agent user without sudo \(agent can use sudo\)/],
    ["filter not loaded", { ...shown, egressFilter: false }, /the egress filter in the kernel/],
    ["Lima's user without sudo could not look", { ...shown, agentSudo: null, egressFilter: null }, /a check that the agent user cannot use sudo and a check that the egress filter is loaded/],
    ["agent in wheel", { ...shown, agentGroups: ["users", "wheel"] }, /an agent user outside the admin groups \(agent is in wheel\)/],
    ["agent trusted by Nix", { ...shown, nixTrusted: true }, /an agent user the Nix daemon does not trust/],
    ["agent.json writable by others", { ...shown, factsRootOnly: false }, /an agent\.json only root can change/],
    ["agent can ask nscd", { ...shown, nscdOpen: true }, /a name-service cache closed to the agent user \(agent can resolve any name through nscd, past the DNS filter\)/],
    ["an old reading without the account and nscd checks", { agentUser: true, agentSudo: false, egressFilter: true }, /a check of the agent user's groups, a check of the Nix daemon's trusted users, a check of who can change agent\.json and a check that the agent user cannot use the name-service cache \(nscd\)/],
  ];
  for (const [i, [what, proof, missing]] of cases.entries()) {
    const dir = create(`np${i}`, `mounts: []\nssh: {forwardAgent: false, loadDotSSHPubKeys: false}\n`);
    rememberGuest(dir, facts, proof);
    const { code, audit: a } = await audit(`np${i}`);
    assert.equal(a.sandbox, false, what);
    assert.equal(a.flagged, true, what);
    assert.equal(code, 1, what);
    const finding = a.findings.find((f) => f.id === "sandbox");
    assert.equal(finding?.level, "warning", what);
    assert.match(finding?.detail ?? "", missing, what);
    // The allow list in agent.json does not hold for an agent that runs as Lima's user.
    assert.equal(a.runsAs, proof?.limaUser ?? "Lima's user", what);
    assert.equal(a.findings.find((f) => f.id === "runs-as")?.level, "warning", what);
    assert.equal(a.unrestrictedNetwork, true, what);
    assert.equal(a.findings.find((f) => f.id === "network")?.title, "Egress allow list not in force for agents", what);
  }
});

test("a writable mount that covers LIMA_HOME is flagged even without agents: the guest could rewrite the ssh.config the host includes", async () => {
  mkdirSync(project, { recursive: true });
  create("lh1", `mounts:\n- location: "${lima.dir}"\n  writable: true\n- location: "${project}"\n  writable: true\n`);
  const { code, audit: a } = await audit("lh1");
  assert.equal(code, 1);
  assert.equal(a.flagged, true);
  assert.equal(a.agent.source, "none");
  assert.equal(a.summary, `The VM can write LIMA_HOME (${lima.dir}) through ${lima.dir}, where Lima keeps the ssh.config your ssh config includes: it could make ssh on this machine run its commands.`);
  assert.equal(a.findings.find((f) => f.id === "lima-home")?.level, "warning");
  create("lh2", `mounts:\n- location: "${lima.dir}"\n`);
  const ro = await audit("lh2");
  assert.equal(ro.audit.findings.some((f) => f.id === "lima-home"), false, "read-only is fine");
});

test("a read-only mount of an ancestor of home exposes it read-only; extra networks are named", async () => {
  const parent = join(home, "..");
  create("ro1", `mounts:\n- location: "${parent}"\n  mountPoint: /mnt/up\nnetworks:\n- socket: /var/run/socket_vmnet\n`);
  const { audit: a } = await audit("ro1");
  assert.equal(a.homeExposure, "read-only");
  assert.deepEqual(a.networkModes, ["user-mode", "socket"]);
  assert.equal(a.findings.find((f) => f.id === "network")?.title, "Unrestricted network");
  assert.equal(a.findings.find((f) => f.id === "home")?.title, "Home folder exposed read-only");
  assert.equal(a.findings.find((f) => f.id === "mounts")?.level, "info", "read-only mounts are listed, not warned about");
});

test("harden without --yes changes nothing; with --yes it fixes lima.yaml, keeps comments, and the audit agrees", async () => {
  const dir = create("dev3", DEV_YAML);
  rememberGuest(dir, { user: "agent", autonomousMode: true, egress: { allow: ["api.openai.com"] } }, shown);
  const file = join(dir, "lima.yaml");
  const before = readFileSync(file, "utf8");

  const dry = await nixlima(lima.dir, ["harden", "dev3"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /harden would remove the mount of ~ .*; set ssh.forwardAgent: false; set ssh.loadDotSSHPubKeys: false\./);
  assert.equal(readFileSync(file, "utf8"), before);

  const r = await nixlima(lima.dir, ["harden", "dev3", "--yes", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const result = HardenResult.parse(JSON.parse(r.stdout));
  assert.equal(result.changed, true);
  const after = readFileSync(file, "utf8");
  assert.match(after, /# my dev VM: keep this comment/);
  assert.match(after, /forwardAgent: false # I like my agent/);
  assert.match(after, /loadDotSSHPubKeys: false/);
  assert.doesNotMatch(after, /location: "~"/);
  assert.match(after, new RegExp(`location: "${project}"`));
  assert.match(after, /hostIP: "0.0.0.0"/);

  const { code, audit: a } = await audit("dev3");
  assert.equal(code, 0);
  assert.equal(a.flagged, false);
  assert.equal(a.homeExposure, "none");
  assert.equal(a.forwardAgent, false);
  assert.deepEqual(a.hardenChanges, []);

  const again = await nixlima(lima.dir, ["harden", "dev3", "--yes"]);
  assert.match(again.stdout, /exposes nothing harden can remove/);
  assert.equal(readFileSync(file, "utf8"), after);
});

test("harden says when Lima's override.yaml keeps agent forwarding on", async () => {
  create("dev4", `mounts: []\n`);
  mkdirSync(join(lima.dir, "_config"), { recursive: true });
  writeFileSync(join(lima.dir, "_config/override.yaml"), "ssh:\n  forwardAgent: true\n");
  try {
    const r = await nixlima(lima.dir, ["harden", "dev4", "--yes", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const result = HardenResult.parse(JSON.parse(r.stdout));
    assert.deepEqual(result.changes, ["set ssh.forwardAgent: false"]);
    assert.ok(result.remaining.some((x) => /forwardAgent is still on: .*override.yaml/.test(x)), result.remaining.join("\n"));
  } finally {
    writeFileSync(join(lima.dir, "_config/override.yaml"), "");
  }
});

test("a Broken VM's sandbox is unknown, never a clean bill: no mounts listed is not no mounts", async () => {
  const dir = create("broken2", 'mounts: [{location: "~", writable: true}]\n');
  rmSync(join(dir, "lima.yaml"));
  const r = await nixlima(lima.dir, ["audit", "broken2", "--json"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^nixlima: What "broken2" can reach is unknown: its configuration file \(lima\.yaml\) cannot be read\.$/m);
});

test("harden refuses a broken VM and leaves its lima.yaml alone; audit of a missing VM says so", async () => {
  const dir = create("broken1", "");
  const file = join(dir, "lima.yaml");
  writeFileSync(file, "images: [\n# unterminated\n");
  const r = await nixlima(lima.dir, ["harden", "broken1", "--yes"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^nixlima: VM `broken1` is (broken|unknown); nixlima hardens only a stopped VM\./);
  assert.equal(readFileSync(file, "utf8"), "images: [\n# unterminated\n");

  const missing = await nixlima(lima.dir, ["audit", "nope"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /There is no VM named `nope`/);
  assert.equal((await nixlima(lima.dir, ["audit", "bad name"])).code, 2);
});
