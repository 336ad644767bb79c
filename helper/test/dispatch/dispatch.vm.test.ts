// Dispatch on the real test VM (real limactl, QEMU guest, OpenSSH): the stand-in agent of
// test/support/agentStub.ts, installed as `claude`, `codex` and `opencode`, records its arguments,
// keys and stdin, edits a file in a git repository, writes the done marker on round 2 (loop mode)
// or sleeps (stop mode). Checks: the
// right flags arrive, and a proxy token and base URL instead of the key; the key is in no file nixlima wrote, no log line and no host argv;
// the loop stops at the marker; stop and timeout kill the agent in the guest; the diff is reported.
// Also, on the same running VM: the audit reads the guest's agent facts and, with agent.json but no
// sandbox, says agents run as Lima's user with an open network; harden refuses to run.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { auditVm } from "../../src/audit/audit";
import { hardenVm } from "../../src/audit/harden";
import { dispatch, type DispatchReporter } from "../../src/dispatch/dispatch";
import { Limactl } from "../../src/lima/limactl";
import { inspectVm } from "../../src/lima/operations";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { installAgentStub, resetAgentStub, type AgentStubMode } from "../../../test/support/agentStub";
import { filesUnder } from "../../../test/support/files";
import { bootTestVm, destroyInstance, guestShell } from "../../../test/support/testVmRun";
import { nixlima } from "../audit/cliHarness";

const NAME = "disp";
const KEY = `sk-ant-test-${Date.now().toString(36)}-planted-key`;
const lima = tempLimaHome();
let l: Limactl;
let repo = "";
const never = new AbortController().signal;

const guest = (script: string, input?: string) => guestShell(lima.dir, NAME, script, input);
const reset = (mode: AgentStubMode) => resetAgentStub(lima.dir, NAME, repo, mode);

function recorder(): DispatchReporter & { lines: string[]; stages: string[] } {
  const lines: string[] = [];
  const stages: string[] = [];
  return { lines, stages, progress: (p) => stages.push(p.stage), log: (line) => lines.push(line), output: (line) => lines.push(line) };
}

/** Every host process whose command line holds the key. */
function hostArgvWithKey(): string[] {
  return readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return argv.includes(KEY) ? [`${pid}: ${argv.replace(/\0/g, " ")}`] : [];
    } catch {
      return [];
    }
  });
}

before(async () => {
  await bootTestVm(lima.dir, NAME, "dispatch");
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
  repo = await installAgentStub(lima.dir, NAME);
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
});

test("one round: the stand-in gets the autonomous flags, the prompt on stdin and the key; the diff comes back", { timeout: 120_000 }, async () => {
  await reset("edit");
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "Fix the notes.\nThen stop.", workdir: repo }, { ANTHROPIC_API_KEY: KEY }, r, never);
  assert.equal(result.outcome, "finished");
  assert.equal(result.exitCode, 0);
  assert.equal(result.rounds, 1);
  assert.equal(result.workdir, repo);
  assert.match(result.diffStat ?? "", /notes\.txt \| 1 \+/);
  assert.match(result.patch ?? "", /^\+edited in round 1$/m);
  assert.ok(r.lines.includes("stub: edited notes.txt"), r.lines.join("\n"));

  const log = await guest("cat /tmp/stub.log");
  assert.match(log, /^as:claude\narg:--dangerously-skip-permissions\narg:-p\nkey:/m);
  // The agent holds the task's proxy token and a base URL on the guest's loopback, never the key.
  assert.match(log, /^key:nixlima-task-[0-9a-f]{48}$/m);
  assert.match(log, /^base:http:\/\/127\.0\.0\.1:\d+\/anthropic$/m);
  assert.ok(!log.includes(KEY), "the real key reached the agent");
  assert.ok(log.includes("stdin:Fix the notes.\nThen stop."), log);
  assert.ok(log.includes(`pwd:${repo}`));
  // nixlima left nothing of the run in the guest's /tmp, and the user's index is untouched.
  assert.equal((await guest("ls /tmp | grep -c nixlima || true")).trim(), "0");
  assert.match(await guest(`cd "${repo}" && git status --porcelain`), /^ M notes\.txt$/m);
  // The key is in no log line.
  assert.ok(!r.lines.some((line) => line.includes(KEY)));
});

test("codex and opencode: each runs with its own autonomous command line and only its own keys", { timeout: 120_000 }, async () => {
  const vm = await inspectVm(l, NAME, undefined);
  await reset("edit");
  const codex = await dispatch(vm, { agent: "codex", notSandboxed: true, prompt: "Fix it.", workdir: repo }, { OPENAI_API_KEY: KEY }, recorder(), never);
  assert.equal(codex.outcome, "finished");
  assert.match(await guest("cat /tmp/stub.log"), /^as:codex\narg:exec\narg:--dangerously-bypass-approvals-and-sandbox\n(arg:-c\narg:model_provider\S+\n){5}arg:-\nkey:unset\nopenai:.+\nstdin:Fix it\.\n/m);

  await reset("edit");
  const opencode = await dispatch(vm, { agent: "opencode", notSandboxed: true, prompt: "Fix it.", workdir: repo }, { ANTHROPIC_API_KEY: KEY }, recorder(), never);
  assert.equal(opencode.outcome, "finished");
  // The prompt goes in on stdin, never as an argv word (which every process in the guest can read).
  assert.match(await guest("cat /tmp/stub.log"), /^as:opencode\narg:run\narg:--auto\nkey:.+\nopenai:unset\nstdin:Fix it\.\n/m);
  assert.match(opencode.patch ?? "", /^\+edited in round 1$/m);
});

test("loop: rounds repeat until the done marker (round 2 of 5); the marker is not in the diff", { timeout: 120_000 }, async () => {
  await reset("loop");
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "loop", loop: 5, workdir: repo }, { ANTHROPIC_API_KEY: KEY }, r, never);
  assert.equal(result.outcome, "done");
  assert.equal(result.rounds, 2);
  assert.equal((await guest("cat /tmp/stub.count")).trim(), "2");
  assert.deepEqual(r.stages.filter((s) => s.startsWith("Round")), ["Round 1 of 5", "Round 2 of 5"]);
  assert.match(result.patch ?? "", /^\+loop round 1\n\+loop round 2$/m);
  assert.doesNotMatch(result.diffStat ?? "", /nixlima-done/);
});

test("stop kills the agent in the guest; during the run the key is in no host process's argv", { timeout: 120_000 }, async () => {
  await reset("sleep");
  const vm = await inspectVm(l, NAME, undefined);
  const r = recorder();
  const ac = new AbortController();
  const running = dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "sleep", workdir: repo }, { ANTHROPIC_API_KEY: KEY }, r, ac.signal);
  const deadline = Date.now() + 60_000;
  while (!r.lines.includes("stub: sleeping")) {
    assert.ok(Date.now() < deadline, `the stand-in never started:\n${r.lines.join("\n")}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  assert.deepEqual(hostArgvWithKey(), []);
  const pids = (await guest("cat /tmp/stub.pids")).trim();
  assert.match(pids, /^\d+ \d+$/);
  ac.abort();
  const result = await running;
  assert.equal(result.outcome, "stopped");
  assert.equal(result.exitCode, null);
  const alive = await guest(`for p in ${pids}; do kill -0 "$p" 2>/dev/null && echo "alive $p"; done; true`);
  assert.equal(alive.trim(), "", "the agent (or its sleep) still runs in the guest");
});

test("a wall-clock limit stops a run that does not end by itself", { timeout: 120_000 }, async () => {
  await reset("sleep");
  const vm = await inspectVm(l, NAME, undefined);
  // The limit is long enough for the stand-in to start on a loaded machine (4 s was not: the
  // limit fired before it had written its pids), far below the stand-in's own 300 s sleep.
  const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "sleep", workdir: repo, timeoutMs: 30_000 }, { ANTHROPIC_API_KEY: KEY }, recorder(), never);
  assert.equal(result.outcome, "timeout");
  const pids = (await guest("cat /tmp/stub.pids")).trim();
  assert.match(pids, /^\d+ \d+$/, "the stand-in never started");
  assert.equal((await guest(`for p in ${pids}; do kill -0 "$p" 2>/dev/null && echo alive; done; true`)).trim(), "");
});

test("this guest shows no sandbox: dispatch refuses it in one sentence and runs nothing; --not-sandboxed runs it with a warning", { timeout: 120_000 }, async () => {
  await reset("edit");
  const vm = await inspectVm(l, NAME, undefined);
  await assert.rejects(dispatch(vm, { agent: "claude", prompt: "Fix it.", workdir: repo }, { ANTHROPIC_API_KEY: KEY }, recorder(), never), /^NixlimaError: Not dispatched: disp is not an agent sandbox \(its guest lacks /);
  const prompt = join(lima.dir, "PROMPT.md");
  await writeFile(prompt, "do it\n");
  const refused = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--workdir", repo], { ANTHROPIC_API_KEY: KEY });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /^nixlima: Not dispatched: disp is not an agent sandbox \(its guest lacks [^\n]+\): the agent runs with its permission checks off and with what Lima's user has, passwordless sudo included\.$/m);
  assert.match(refused.stderr, /^hint: Use a nixlima agent image for a sandbox, or pass --not-sandboxed to run the agent there anyway\.$/m);
  assert.equal((await guest("cat /tmp/stub.log 2>/dev/null; echo end")).trim(), "end", "the agent never ran");

  const agreed = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--not-sandboxed", "--workdir", repo], { ANTHROPIC_API_KEY: KEY });
  assert.equal(agreed.code, 0, agreed.stderr);
  assert.match(agreed.stderr, /^nixlima: warning: disp is not an agent sandbox \(its guest lacks /m);
  assert.match(await guest("cat /tmp/stub.log"), /^stdin:do it$/m);
});

test("the CLI: key from the environment, failing agent exits 1, bad workdir is one clear sentence", { timeout: 120_000 }, async () => {
  await reset("fail");
  const prompt = join(lima.dir, "PROMPT.md");
  await writeFile(prompt, "do it\n");
  const r = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--not-sandboxed", "--workdir", repo, "--json"], { ANTHROPIC_API_KEY: KEY });
  assert.equal(r.code, 1, r.stderr);
  const result = JSON.parse(r.stdout) as { outcome: string; exitCode: number };
  assert.equal(result.outcome, "failed");
  assert.equal(result.exitCode, 3);
  assert.match(r.stderr, /stub: failing/);
  assert.ok(!r.stderr.includes(KEY) && !r.stdout.includes(KEY));

  const bad = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--not-sandboxed", "--workdir", "/no/such/dir"], { ANTHROPIC_API_KEY: KEY });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /nixlima: The folder \/no\/such\/dir does not exist in VM `disp`\./);
  assert.equal((await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "gpt"])).code, 2);
});

test("agent.json alone limits nothing: the audit says dispatch runs as Lima's user with an open network, and flags it; harden refuses a running VM", { timeout: 120_000 }, async () => {
  await guest(`sudo mkdir -p /etc/nixlima && echo '{"user":"agent","agents":["claude"],"autonomousMode":true,"egress":{"allow":["api.anthropic.com"]}}' | sudo tee /etc/nixlima/agent.json > /dev/null`);
  const limaUser = (await guest("id -un")).trim();
  const audit = await auditVm(l, NAME);
  assert.equal(audit.agent.source, "guest");
  assert.equal(audit.agent.autonomousMode, true);
  assert.deepEqual(audit.agent.egressAllow, ["api.anthropic.com"]);
  // This guest has no agent user and no egress table in its kernel: dispatch runs as Lima's user,
  // whom no filter confines, so the allow list in agent.json limits nothing.
  assert.equal(audit.agent.proof?.agentUser, false);
  assert.equal(audit.agent.proof?.egressFilter, false);
  assert.equal(audit.sandbox, false);
  assert.equal(audit.runsAs, limaUser);
  assert.equal(audit.unrestrictedNetwork, true);
  const finding = (id: string) => audit.findings.find((f) => f.id === id);
  assert.equal(finding("network")?.level, "warning");
  assert.equal(finding("network")?.title, "Egress allow list not in force for agents");
  assert.equal(finding("runs-as")?.title, `Dispatched agents run as Lima's user (${limaUser})`);
  assert.equal(finding("runs-as")?.level, "warning");
  assert.equal(audit.flagged, true, audit.summary);
  assert.match(audit.summary, /an unrestricted network/);
  assert.match(finding("sandbox")?.detail ?? "", /lacks the agent user agent and the egress filter in the kernel/);
  await assert.rejects(hardenVm(l, NAME, {}), /VM `disp` is running; nixlima hardens only a stopped VM\./);
});

test("the planted key is in no file nixlima wrote on the host", async () => {
  const hits = filesUnder(lima.dir).filter((f) => readFileSync(f).includes(KEY));
  assert.deepEqual(hits, []);
  const cache = JSON.parse(readFileSync(join(lima.dir, NAME, "nixlima-agent.json"), "utf8")) as { lastDispatchAt: number };
  assert.ok(cache.lastDispatchAt > 0);
});

test("the key is nowhere in the guest, not even in the stand-in's record of its environment", async () => {
  const hits = await guest("sudo grep -rlF -f /dev/stdin /tmp /etc /home /root /var/log 2>/dev/null; true", `${KEY}\n`);
  assert.deepEqual(hits.trim().split("\n").filter(Boolean), []);
  assert.match(await guest("cat /tmp/stub.log"), /^key:nixlima-task-/m, "the record this search covers is there");
});
