// Dispatch jobs through the real helper on the real test VM, the way the editor runs them: the
// stand-in `claude` of test/support/agentStub.ts records its arguments and key; the agent's lines arrive live as
// jobs/log; the result (exit status, diff) is in the ended Job; cancel kills the agent in the
// guest; the planted key reaches dispatch() yet neither the guest (the agent gets a proxy token)
// nor a notification, helper output or file. Also on the
// running VM: the audit request, harden's refusal, and the editor's Copy Claude Token command.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { copyClaudeToken } from "../../src/dispatch/claudeToken";
import { AgentRequests, Requests, type Job, type JobLogLine } from "../../src/protocol";
import { request } from "../../src/rpc";
import { filesUnder } from "../../../test/support/files";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";
import { installAgentStub, resetAgentStub } from "../../../test/support/agentStub";
import { bootTestVm, destroyInstance, guestShell, secondsSince } from "../../../test/support/testVmRun";

const NAME = "dj";
const KEY = `sk-ant-daemon-${Date.now().toString(36)}-planted`;
const home = tempLimaHome();
let helper: HelperProcess;
let conn: MessageConnection;
let events: Recorder;
let repo = "";

const guest = (script: string, input?: string) => guestShell(home.dir, NAME, script, input);
const ended = (id: string) => events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", 120_000);

before(async () => {
  await bootTestVm(home.dir, NAME, "daemon dispatch");
  repo = await installAgentStub(home.dir, NAME);

  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
  events = new Recorder(conn);
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  await destroyInstance(home.dir, NAME);
  home.dispose();
});

test("a dispatch job streams the agent's lines, ends with the diff, and the key reaches only the agent", { timeout: 180_000 }, async () => {
  await resetAgentStub(home.dir, NAME, repo, "edit");
  const job = await request(conn, Requests.jobsStart, { kind: "dispatch", vm: NAME, dispatch: { agent: "claude", notSandboxed: true, prompt: "Edit the notes.", workdir: repo }, secrets: { ANTHROPIC_API_KEY: KEY } });
  const t0 = performance.now();
  await events.waitFor<JobLogLine>("jobs/log", (l) => l.id === job.id && l.line === "stub: edited notes.txt", 120_000);
  const streamed = secondsSince(t0);
  const done = await ended(job.id);
  console.log(`daemon dispatch: agent's line after ${streamed} s, job ended after ${secondsSince(t0)} s`);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
  const result = done.result?.dispatch;
  assert.equal(result?.outcome, "finished");
  assert.equal(result?.exitCode, 0);
  assert.match(result?.patch ?? "", /^\+edited in round 1$/m);
  const log = await guest("cat /tmp/stub.log");
  assert.match(log, /^arg:--dangerously-skip-permissions\narg:-p$/m);
  // dispatch() got the key (the agent got the task's proxy token instead, never the key itself).
  assert.match(log, /^key:nixlima-task-[0-9a-f]{48}$/m);
  assert.ok(!log.includes(KEY), "the real key reached the agent's environment");

  const leaks: string[] = [];
  if (JSON.stringify(events.seen).includes(KEY)) leaks.push("a notification");
  if (JSON.stringify(await request(conn, Requests.jobsList, {})).includes(KEY)) leaks.push("jobs/list");
  if (helper.output().includes(KEY)) leaks.push("the helper's output");
  for (const file of filesUnder(home.dir)) if (readFileSync(file).includes(KEY)) leaks.push(file);
  assert.deepEqual(leaks, []);
  assert.ok(filesUnder(home.dir).some((f) => f.endsWith(`/${NAME}/lima.yaml`)), "the search covered the instance's files");
});

test("cancelling a dispatch job kills the agent in the guest and keeps the run's result", { timeout: 180_000 }, async () => {
  await resetAgentStub(home.dir, NAME, repo, "sleep");
  const job = await request(conn, Requests.jobsStart, { kind: "dispatch", vm: NAME, dispatch: { agent: "claude", notSandboxed: true, prompt: "Wait.", workdir: repo }, secrets: {} });
  await events.waitFor<JobLogLine>("jobs/log", (l) => l.id === job.id && l.line === "stub: sleeping", 120_000);
  assert.equal((await guest("pgrep -xa sleep | grep -c 'sleep 300' || true")).trim(), "1");
  assert.equal((await request(conn, Requests.jobsCancel, { id: job.id })).cancelled, true);
  const done = await ended(job.id);
  assert.equal(done.state, "cancelled");
  assert.equal(done.result?.dispatch?.outcome, "stopped");
  assert.equal((await guest("pgrep -xa sleep | grep -c 'sleep 300' || true")).trim(), "0");
});

test("on the running VM: the audit reads the guest, harden refuses even a dry run", async () => {
  const audit = await request(conn, AgentRequests.vmsAudit, { vm: NAME });
  assert.equal(audit.status, "Running");
  assert.ok(audit.agent.lastDispatchAt !== undefined, "the dispatches above are remembered");
  assert.equal(audit.agent.autonomousMode, true);
  await assert.rejects(request(conn, AgentRequests.vmsHarden, { vm: NAME, dryRun: true }), /is running; nixlima hardens only a stopped VM/);
});

test("Copy Claude Token writes the file with mode 0600 from ssh's stdin", async () => {
  const snapshot = await request(conn, Requests.vmsList, {});
  const vm = snapshot.ok ? snapshot.vms.find((v) => v.name === NAME) : undefined;
  assert.ok(vm);
  const token = `{"claudeAiOauth":{"accessToken":"${KEY}"}}`;
  const file = join(home.dir, "credentials.json");
  writeFileSync(file, token, { mode: 0o600 });
  await copyClaudeToken(vm, file);
  assert.equal(await guest("cat ~/.claude/.credentials.json"), token);
  assert.equal((await guest("stat -c %a ~/.claude/.credentials.json")).trim(), "600");
  assert.equal((await guest("ls -a ~/.claude | grep -c nixlima || true")).trim(), "0", "no temporary file left");
});


