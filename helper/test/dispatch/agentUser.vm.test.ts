// Dispatch on a guest that proves the sandbox runs the agent as the agent user, on the real test
// VM (real limactl, QEMU guest, OpenSSH, sudo, git on both sides) with the sandbox nixlima's
// modules render installed (test/support/agentGuest.ts: the agent user at the module's uid, the
// egress table, dnsmasq). The agent is the stand-in agent of the dispatch tests
// (test/support/agentStub.ts; the real CLIs need their vendors' servers). Checks: it runs as
// `agent` with only the task's variables, sudo fails for it, it cannot write
// /etc/nixlima/agent.json, its change comes back as branch nixlima/VM/TASK, and a cancel ends
// every process it started. The audit says so, from the guest's accounts, sudo rules, nix.conf and
// the owner of agent.json; each gap made in the guest (agent.json the agent's, the agent in wheel,
// Nix trusting it) turns the answer to Lima's user.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { auditVm } from "../../src/audit/audit";
import { dispatch, type DispatchReporter } from "../../src/dispatch/dispatch";
import { Limactl } from "../../src/lima/limactl";
import { inspectVm } from "../../src/lima/operations";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { installAgentStub, resetAgentStub } from "../../../test/support/agentStub";
import { agentUser, installAgentSandbox } from "../../../test/support/agentGuest";
import { hostRepoWithHooks, type HostRepo } from "../../../test/support/hostRepo";
import { bootTestVm, destroyInstance, guestShell } from "../../../test/support/testVmRun";
import { tempNix } from "../nix/nixEnv";
import { evalProfile } from "../nix/evalModules";

const NAME = "agentrun";
const KEY = `sk-ant-test-${Date.now().toString(36)}-agent-user`;
const lima = tempLimaHome();
const nix = tempNix();
let l: Limactl;
let stubRepo = "";
let agentUid = 0;
const repos: HostRepo[] = [];
const never = new AbortController().signal;

const guest = (script: string, input?: string) => guestShell(lima.dir, NAME, script, input);

function recorder(): DispatchReporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, progress: () => undefined, log: (line) => lines.push(line), output: (line) => lines.push(line) };
}

function hostRepo(): HostRepo {
  const repo = hostRepoWithHooks({ "notes.txt": "start\n" });
  repos.push(repo);
  return repo;
}

before(async () => {
  const rendered = await evalProfile(nix.env, "agent", {});
  agentUid = agentUser(rendered).uid;
  await bootTestVm(lima.dir, NAME, "agent user");
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
  stubRepo = await installAgentStub(lima.dir, NAME);
  await installAgentSandbox(guest, rendered);
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
  nix.dispose();
  for (const r of repos) r.dispose();
});

test("the stand-in agent runs as the agent user: no sudo, agent.json read-only, only the task's variables; its change comes back as the task's branch", { timeout: 300_000 }, async () => {
  await resetAgentStub(lima.dir, NAME, stubRepo, "probe");
  const repo = hostRepo();
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const result = await dispatch(vm, { agent: "claude", prompt: "Probe.", project: repo.root }, { ANTHROPIC_API_KEY: KEY }, r, never);
  assert.equal(result.outcome, "finished", r.lines.join("\n"));
  assert.ok(r.lines.includes("stub: probed"), r.lines.join("\n"));

  const log = await guest("cat /tmp/stub.log");
  assert.match(log, /^user:agent$/m, log);
  assert.match(log, /^home:\/home\/agent$/m);
  assert.match(log, /^sudo:no$/m);
  assert.match(log, /^facts:refused$/m);
  assert.match(log, /^pwd:\/home\/agent\/nixlima-tasks\/[0-9a-f]{8}$/m);
  // Its environment: the account's basics, the task's variables and what its own shell sets (PWD, SHLVL, _); nothing of Lima's user's ssh session.
  const names = (/^env:(.*)$/m.exec(log)?.[1] ?? "").trim().split(" ");
  assert.ok(names.includes("ANTHROPIC_API_KEY") && names.includes("ANTHROPIC_BASE_URL"), names.join(" "));
  assert.deepEqual(names.filter((n) => !["_", "PWD", "SHLVL", "HOME", "USER", "LOGNAME", "PATH", "LANG", "LC_ALL", "TERM", "TZ", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"].includes(n)), []);
  // The uid is the module's: the user the egress filter confines.
  assert.equal((await guest("id -u agent")).trim(), String(agentUid));

  // The change came back as the task's branch; the clone is gone from the agent's home.
  assert.match(result.branch ?? "", /^nixlima\/agentrun\/[0-9a-f]{8}$/);
  assert.equal(repo.git("show", `${result.branch}:notes.txt`), "start\nchanged by the agent\n");
  assert.equal(repo.hookRuns(), "");
  assert.equal((await guest("sudo ls -A /home/agent/nixlima-tasks 2>/dev/null | wc -l")).trim(), "0");
  assert.ok(r.lines.some((line) => /the agent runs as agent in agentrun/.test(line)), r.lines.join("\n"));
});

test("a cancel ends the agent user's run: the stand-in and the process it started are gone", { timeout: 300_000 }, async () => {
  await resetAgentStub(lima.dir, NAME, stubRepo, "sleep");
  const repo = hostRepo();
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const ac = new AbortController();
  const running = dispatch(vm, { agent: "claude", prompt: "sleep", project: repo.root }, { ANTHROPIC_API_KEY: KEY }, r, ac.signal);
  const deadline = Date.now() + 120_000;
  while (!r.lines.includes("stub: sleeping")) {
    assert.ok(Date.now() < deadline, `the stand-in never started:\n${r.lines.join("\n")}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const pids = (await guest("cat /tmp/stub.pids")).trim();
  assert.match(pids, /^\d+ \d+$/);
  // Both are the agent user's (Lima's user could not even signal them without sudo).
  assert.deepEqual((await guest(`ps -o user= -p ${pids.replace(" ", ",")}`)).trim().split(/\s+/), ["agent", "agent"]);
  ac.abort();
  const result = await running;
  assert.equal(result.outcome, "stopped");
  assert.equal((await guest(`ps -o pid= -p ${pids.replace(" ", ",")} || true`)).trim(), "", "the stand-in (or its sleep) still runs");
  assert.equal((await guest("ps -o pid=,args= -u agent || true")).trim(), "", "a process of the agent user is left");
});

test("a process the agent moved into a session of its own (setsid) is gone when the task ends", { timeout: 300_000 }, async () => {
  await resetAgentStub(lima.dir, NAME, stubRepo, "escape");
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const result = await dispatch(vm, { agent: "claude", prompt: "escape", project: hostRepo().root }, { ANTHROPIC_API_KEY: KEY }, r, never);
  assert.equal(result.outcome, "finished", r.lines.join("\n"));
  const pid = (await guest("cat /tmp/stub.pids")).trim();
  assert.match(pid, /^\d+$/, r.lines.join("\n"));
  assert.equal((await guest(`ps -o pid= -p ${pid} || true`)).trim(), "", "the escaped process still runs");
  assert.equal((await guest("ps -o pid=,args= -u agent || true")).trim(), "", "a process of the agent user is left");
  assert.ok(r.lines.some((line) => /^ended 1 process the agent user agent left running after the task$/.test(line)), r.lines.join("\n"));
});

test("when the agent's work cannot be brought back, its clone stays in the guest and the error says where", { timeout: 300_000 }, async () => {
  await resetAgentStub(lima.dir, NAME, stubRepo, "breakgit");
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const failure = await dispatch(vm, { agent: "claude", prompt: "break", project: hostRepo().root }, { ANTHROPIC_API_KEY: KEY }, r, never).then(
    () => assert.fail(`the dispatch succeeded without the clone's .git:\n${r.lines.join("\n")}`),
    (err: unknown) => err as { message: string; hint?: string },
  );
  assert.match(failure.message, /^Could not collect the agent's work in VM `agentrun`/);
  const clone = /^The agent's work stays in the VM at (\S+) \(nixlima shell agentrun opens a shell there\)\.$/.exec(failure.hint ?? "")?.[1];
  assert.ok(clone, failure.hint);
  assert.equal((await guest(`sudo test -d '${clone}' && echo kept`)).trim(), "kept");
});

test("the audit reads from the guest that dispatch runs as agent, and each way up for the agent undoes that", { timeout: 300_000 }, async () => {
  const limaUser = (await guest("id -un")).trim();
  const a = await auditVm(l, NAME);
  assert.equal(a.sandbox, true, a.summary);
  assert.equal(a.runsAs, "agent");
  assert.equal(a.agent.proof?.limaUser, limaUser);
  assert.equal(a.agent.proof?.nixTrusted, false);
  assert.equal(a.agent.proof?.factsRootOnly, true);
  assert.ok(!a.agent.proof?.agentGroups?.includes("wheel"));
  assert.equal(a.findings.find((f) => f.id === "network")?.level, "ok");
  const gaps: [string, string, string, RegExp][] = [
    ["agent.json the agent's own", "sudo chown agent /etc/nixlima/agent.json", "sudo chown root /etc/nixlima/agent.json", /an agent\.json only root can change/],
    ["the agent in wheel", "sudo groupadd -f wheel && sudo usermod -aG wheel agent", "sudo gpasswd -d agent wheel > /dev/null", /agent is in wheel/],
    ["the Nix daemon trusts the agent", "sudo mkdir -p /etc/nix && echo 'trusted-users = root agent' | sudo tee /etc/nix/nix.conf > /dev/null", "sudo rm /etc/nix/nix.conf", /the Nix daemon does not trust/],
  ];
  for (const [what, make, undo, missing] of gaps) {
    await guest(make);
    try {
      const gap = await auditVm(l, NAME);
      assert.equal(gap.sandbox, false, what);
      assert.equal(gap.runsAs, limaUser, what);
      assert.equal(gap.unrestrictedNetwork, true, what);
      assert.match(gap.findings.find((f) => f.id === "runs-as")?.detail ?? "", missing, what);
    } finally {
      await guest(undo);
    }
  }
  assert.equal((await auditVm(l, NAME)).runsAs, "agent", "the guest is a sandbox again");
});
