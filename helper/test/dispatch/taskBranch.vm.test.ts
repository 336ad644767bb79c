// A dispatched task's work comes back as a branch, on the real test VM (real limactl, QEMU guest,
// OpenSSH, git on both sides). The host repository has hooks planted that log every run, an
// uncommitted edit and an untracked file; no host folder is mounted in the VM. A stand-in agent
// (a shell script installed as `claude`: the real CLI needs its vendor's server) commits one edit
// and leaves more uncommitted. Checks: the host's HEAD, index and files are as they were, no hook
// ran, the branch nixlima/VM/TASK holds the agent's commit and one for its uncommitted work, the
// clone is gone from the guest, and the CLI prints the branch and the task commands. Then the
// stand-in asks the model API (python3's urllib, the guest's only HTTP client) through the task's
// proxy, which forwards to a local TLS server standing in for the vendor: the key is in no guest
// process's environment and no guest file. Last, a stand-in that keeps asking is stopped once the
// task's token budget is used, with outcome "budget".
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { dispatch, type DispatchReporter } from "../../src/dispatch/dispatch";
import { Limactl } from "../../src/lima/limactl";
import { inspectVm } from "../../src/lima/operations";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { hostRepoWithHooks, type HostRepo } from "../../../test/support/hostRepo";
import { bootTestVm, destroyInstance, guestShell } from "../../../test/support/testVmRun";
import { startTlsUpstream, type SeenRequest } from "../../../test/support/tlsUpstream";
import { nixlima } from "../audit/cliHarness";

const NAME = "taskbr";
const lima = tempLimaHome();
let l: Limactl;
const never = new AbortController().signal;
const repos: HostRepo[] = [];

// FAKE agent: commits one edit, then leaves an edit, a new file and the done marker uncommitted.
const STAND_IN = String.raw`#!/bin/bash
cat > /dev/null
case $(cat /tmp/task-stub.mode) in
  work)
    echo "agent line" >> notes.txt
    git commit -qam "agent: add a line to the notes"
    echo "left uncommitted" >> notes.txt
    echo "made by the agent" > new.txt
    touch .nixlima-done
    echo "stub: worked" ;;
  idle) echo "stub: nothing to do" ;;
  api)
    sudo sh -c 'cat /proc/[0-9]*/environ' > /tmp/all-environ 2> /dev/null
    python3 -c '
import os, urllib.request
req = urllib.request.Request(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", data=b"{\"stream\":true}",
    headers={"x-api-key": os.environ["ANTHROPIC_API_KEY"], "content-type": "application/json"})
with urllib.request.urlopen(req) as r: open("answer.txt", "wb").write(r.read())
'
    echo "stub: asked the API" ;;
  spend)
    # Asks again and again, refused or not, until something stops it.
    python3 -c '
import os, time, urllib.request, urllib.error
while True:
    req = urllib.request.Request(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", data=b"{\"model\":\"claude-sonnet-4-5\",\"stream\":true}",
        headers={"x-api-key": os.environ["ANTHROPIC_API_KEY"], "content-type": "application/json"})
    try:
        urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e:
        e.read()
    time.sleep(0.2)
' ;;
esac
`;

const guest = (script: string, input?: string) => guestShell(lima.dir, NAME, script, input);

function quiet(): DispatchReporter & { lines: string[] } {
  const lines: string[] = [];
  return { lines, progress: () => undefined, log: (line) => lines.push(line), output: (line) => lines.push(line) };
}

/** A host repository with hooks, an uncommitted edit and an untracked file. */
function busyHostRepo(): HostRepo {
  const repo = hostRepoWithHooks({ "notes.txt": "start\n" });
  repos.push(repo);
  writeFileSync(join(repo.root, "notes.txt"), "start\nthe user's unsaved edit\n");
  writeFileSync(join(repo.root, "scratch.txt"), "untracked\n");
  return repo;
}

before(async () => {
  await bootTestVm(lima.dir, NAME, "task branch");
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
  await guest("sudo tee /usr/local/bin/claude > /dev/null && sudo chmod 755 /usr/local/bin/claude", STAND_IN);
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
  for (const r of repos) r.dispose();
});

test("the agent's commit and its uncommitted work come back as branch nixlima/VM/TASK; the host checkout is untouched and no hook ran", { timeout: 300_000 }, async () => {
  await guest("echo work > /tmp/task-stub.mode");
  const repo = busyHostRepo();
  const head = repo.git("rev-parse", "HEAD").trim();
  const status = repo.git("status", "--porcelain");
  const vm = await inspectVm(l, NAME, undefined);
  assert.deepEqual(vm.mounts, [], "the test VM has no host folder mounted");

  const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "Add a line to the notes.", project: repo.root }, {}, quiet(), never);
  assert.equal(result.outcome, "done");
  assert.match(result.branch ?? "", /^nixlima\/taskbr\/[0-9a-f]{8}$/);
  assert.equal(result.base, head);
  assert.equal(result.commits, 2);

  // The host: same HEAD on the same branch, same index and files, no hook run.
  assert.equal(repo.git("rev-parse", "HEAD").trim(), head);
  assert.equal(repo.git("symbolic-ref", "HEAD").trim(), "refs/heads/main");
  assert.equal(repo.git("status", "--porcelain"), status);
  assert.equal(readFileSync(join(repo.root, "notes.txt"), "utf8"), "start\nthe user's unsaved edit\n");
  assert.equal(repo.hookRuns(), "");

  // The branch: the agent's commit, then nixlima's commit of what it left; not the done marker.
  const branch = result.branch!;
  assert.deepEqual(repo.git("log", "--format=%s", `${head}..${branch}`).trim().split("\n"), ["Uncommitted work the agent left", "agent: add a line to the notes"]);
  assert.equal(repo.git("show", `${branch}:notes.txt`), "start\nagent line\nleft uncommitted\n");
  assert.equal(repo.git("show", `${branch}:new.txt`), "made by the agent\n");
  assert.doesNotMatch(repo.git("ls-tree", "-r", "--name-only", branch), /nixlima-done/);
  assert.match(result.diffStat ?? "", /new\.txt/);
  assert.match(result.patch ?? "", /^\+left uncommitted$/m);

  // The guest: the clone is gone, and the host repository was never visible there.
  assert.equal((await guest("ls -A ~/nixlima-tasks 2>/dev/null | wc -l")).trim(), "0");
  assert.equal((await guest(`test -e '${repo.root}' && echo seen || echo absent`)).trim(), "absent");
  // The hooks are live: git itself runs them on the user's own checkout (a new branch at HEAD keeps the unsaved edit).
  repo.git("checkout", "-q", "-b", "probe");
  assert.match(repo.hookRuns(), /^post-checkout /m);
});

test("the CLI prints the branch and the task commands; an agent that changes nothing leaves no branch", { timeout: 300_000 }, async () => {
  await guest("echo work > /tmp/task-stub.mode");
  const repo = busyHostRepo();
  const prompt = join(repo.root, "..", "PROMPT.md");
  writeFileSync(prompt, "Add a line to the notes.\n");
  const run = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--not-sandboxed", "--project", repo.root]);
  assert.equal(run.code, 0, run.stderr);
  const branch = /on branch (nixlima\/taskbr\/[0-9a-f]{8}) of /.exec(run.stdout)?.[1];
  assert.ok(branch, run.stdout);
  for (const action of ["review", "merge", "discard"]) assert.ok(run.stdout.includes(`nixlima task ${action} ${branch} --project`), run.stdout);
  assert.match(run.stdout, /your working tree is unchanged/);
  assert.equal(repo.hookRuns(), "");

  await guest("echo idle > /tmp/task-stub.mode");
  const idle = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "claude", "--not-sandboxed", "--project", repo.root, "--json"]);
  assert.equal(idle.code, 0, idle.stderr);
  const result = JSON.parse(idle.stdout) as { branch: string | null; commits: number };
  assert.equal(result.branch, null);
  assert.equal(result.commits, 0);
  assert.deepEqual(repo.git("branch", "--list", "nixlima/*").trim().split("\n").map((b) => b.trim()), [branch]);
});

test("the agent reaches the API through the task's ssh forward and proxy; the real key is nowhere in the guest", { timeout: 300_000 }, async () => {
  const KEY = `sk-ant-planted-${Date.now().toString(36)}-never-in-the-guest`;
  const upstream = await startTlsUpstream();
  upstream.release();
  process.env.NIXLIMA_TEST_API_UPSTREAM = upstream.url;
  process.env.NIXLIMA_TEST_API_CA = upstream.caFile;
  try {
    await guest("echo api > /tmp/task-stub.mode");
    const repo = busyHostRepo();
    const vm = await inspectVm(l, NAME, undefined);
    const r = quiet();
    const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "Ask the model.", project: repo.root }, { ANTHROPIC_API_KEY: KEY }, r, never);
    assert.equal(result.outcome, "finished", r.lines.join("\n"));
    // The answer came back through the proxy, and the work (the saved answer) as the branch.
    assert.match(repo.git("show", `${result.branch}:answer.txt`), /event: first[\s\S]*event: second/);
    assert.equal(upstream.seen.length, 1);
    assert.equal(upstream.seen[0]!.url, "/anthropic/v1/messages");
    assert.equal(upstream.seen[0]!.headers["x-api-key"], KEY);
    // Every guest process's environment during the run held the token, never the key; no guest file holds it.
    const environ = await guest("sudo cat /tmp/all-environ");
    assert.match(environ, /ANTHROPIC_API_KEY=nixlima-task-[0-9a-f]{48}/);
    assert.ok(!environ.includes(KEY), "the key was in a guest process's environment");
    const hits = await guest("sudo grep -rlF -f /dev/stdin /tmp /etc /home /root /var/log 2>/dev/null; true", `${KEY}\n`);
    assert.deepEqual(hits.trim().split("\n").filter(Boolean), []);
    assert.ok(!r.lines.some((line) => line.includes(KEY)), "the key is in the log");
  } finally {
    delete process.env.NIXLIMA_TEST_API_UPSTREAM;
    delete process.env.NIXLIMA_TEST_API_CA;
    await upstream.close();
  }
});

/** FAKE vendor: each answer a stream that reports 300 tokens in and 100 out. */
function answerWithUsage(_seen: SeenRequest, res: ServerResponse): void {
  const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(event("message_start", { type: "message_start", message: { model: "claude-sonnet-4-5", usage: { input_tokens: 300, output_tokens: 1 } } }));
  res.end(event("message_delta", { type: "message_delta", usage: { output_tokens: 100 } }) + event("message_stop", { type: "message_stop" }));
}

test("an agent that keeps asking the model is stopped once the task's token budget is used: outcome budget", { timeout: 300_000 }, async () => {
  const upstream = await startTlsUpstream(answerWithUsage);
  process.env.NIXLIMA_TEST_API_UPSTREAM = upstream.url;
  process.env.NIXLIMA_TEST_API_CA = upstream.caFile;
  try {
    await guest("echo spend > /tmp/task-stub.mode");
    const repo = busyHostRepo();
    const vm = await inspectVm(l, NAME, undefined);
    const messages: string[] = [];
    const r = { ...quiet(), progress: (p: { stage: string; message?: string }) => messages.push(`${p.stage}: ${p.message ?? ""}`) };
    const result = await dispatch(vm, { agent: "claude", notSandboxed: true, prompt: "Spend.", project: repo.root, maxTokens: 1000 }, { ANTHROPIC_API_KEY: "sk-ant-test" }, r, never);
    assert.equal(result.outcome, "budget", messages.join("\n"));
    assert.equal(result.exitCode, null);
    // 400 tokens an answer: the third reaches 1,000; every later request was refused before the upstream.
    assert.equal(upstream.seen.length, 3);
    assert.deepEqual(result.usage, { tokensIn: 900, tokensOut: 300, requests: 3, costUsd: (900 * 3 + 300 * 15) / 1e6 });
    assert.equal(result.maxTokens, 1000);
    // Progress showed the count live, then why the agent was stopped.
    assert.ok(messages.includes("Round 1 of 1: claude in taskbr · 600 in · 200 out · ~$0.0048"), messages.join("\n"));
    assert.ok(messages.includes("The budget is used: stopping the agent: "), messages.join("\n"));
    assert.equal((await guest("pgrep -f 'urllib[.]request' | wc -l")).trim(), "0");
  } finally {
    delete process.env.NIXLIMA_TEST_API_UPSTREAM;
    delete process.env.NIXLIMA_TEST_API_CA;
    await upstream.close();
  }
});
