// The agent-sandbox side of the real helper process, with never-booting instances: the audit
// and harden requests (refusing a VM a job acts on, applying on a stopped one), a fleet job with
// per-VM progress and one real failure, and dispatch jobs whose planted API key must reach
// dispatch() yet appear in no notification, no job, no helper output and no file.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { CACHE_FILE } from "../../src/audit/agentFacts";
import { AgentRequests, Requests, type Job, type JobTick } from "../../src/protocol";
import { request } from "../../src/rpc";
import { runLimactl } from "../../../test/support/dummies";
import { filesUnder } from "../../../test/support/files";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";

const home = tempLimaHome();
const KEY = `sk-ant-planted-${Date.now().toString(36)}-do-not-leak`;
let helper: HelperProcess;
let conn: MessageConnection;
let events: Recorder;

const BASE = `images: [{location: /etc/profile}]
disk: "1M"
containerd: {system: false, user: false}
`;
const create = (name: string, yaml = "") => runLimactl(home.dir, ["create", "--name", name, "-"], BASE + yaml);

before(async () => {
  // As the extension starts it: the helper's stdout and stderr are its log, kept to search.
  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
  events = new Recorder(conn);
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  home.dispose();
});

const ended = (id: string, timeoutMs = 120_000) => events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", timeoutMs);
const status = async (name: string) => {
  const s = await request(conn, Requests.vmsList, {});
  return s.ok ? s.vms.find((v) => v.name === name)?.status : undefined;
};

test("audit flags an autonomous VM with a writable home mount and agent forwarding; harden's dry run changes nothing, then it fixes lima.yaml", async () => {
  create("sbx", `# keep this comment\nmounts: [{location: "~", writable: true}]\nssh: {forwardAgent: true}\n`);
  // What the agent module reported from this guest when it last ran, and what the guest showed (agentFacts' cache).
  const proof = { agentUser: true, agentSudo: false, egressFilter: true, agentGroups: ["users"], nixTrusted: false, factsRootOnly: true, nscdOpen: false };
  writeFileSync(join(home.dir, "sbx", CACHE_FILE), JSON.stringify({ guest: { seenAt: 1, facts: { user: "agent", autonomousMode: true, egress: { allow: ["api.anthropic.com"] } }, proof } }));

  const audit = await request(conn, AgentRequests.vmsAudit, { vm: "sbx" });
  assert.equal(audit.flagged, true);
  assert.equal(audit.homeExposure, "writable");
  assert.equal(audit.forwardAgent, true);
  assert.match(audit.summary, /writable mount of your home folder and your SSH agent/);

  const yamlBefore = readFileSync(join(home.dir, "sbx", "lima.yaml"), "utf8");
  const dry = await request(conn, AgentRequests.vmsHarden, { vm: "sbx", dryRun: true });
  assert.equal(dry.changed, false);
  assert.ok(dry.changes.some((c) => /remove the mount of ~/.test(c)), dry.changes.join("; "));
  assert.ok(dry.changes.includes("set ssh.forwardAgent: false"));
  assert.equal(readFileSync(join(home.dir, "sbx", "lima.yaml"), "utf8"), yamlBefore, "a dry run leaves lima.yaml as it was");

  const applied = await request(conn, AgentRequests.vmsHarden, { vm: "sbx" });
  assert.equal(applied.changed, true);
  const yamlAfter = readFileSync(join(home.dir, "sbx", "lima.yaml"), "utf8");
  assert.match(yamlAfter, /# keep this comment/);
  const again = await request(conn, AgentRequests.vmsAudit, { vm: "sbx" });
  assert.equal(again.flagged, false, again.summary);
  assert.equal(again.homeExposure, "none");
});

test("harden refuses a VM a job acts on (the real VM test covers a running one)", async () => {
  // A never-booting VM: its start job waits for ssh until cancelled.
  const job = await request(conn, Requests.jobsStart, { kind: "start", vm: "sbx" });
  const yamlBefore = readFileSync(join(home.dir, "sbx", "lima.yaml"), "utf8");
  try {
    await events.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && j.progress.stage !== "Queued", 30_000);
    await assert.rejects(request(conn, AgentRequests.vmsHarden, { vm: "sbx" }), /VM `sbx` is busy with a start job; harden it when that has ended\./);
  } finally {
    await request(conn, Requests.jobsCancel, { id: job.id });
    await ended(job.id);
  }
  assert.equal(readFileSync(join(home.dir, "sbx", "lima.yaml"), "utf8"), yamlBefore);
  assert.equal(await status("sbx"), "Stopped");
});

test("a fleet job reports each VM's progress; a name already taken fails that VM only, and the job keeps every outcome", async () => {
  create("fq-2");
  const job = await request(conn, Requests.jobsStart, {
    kind: "fleet",
    fleet: { action: "create", create: { prefix: "fq", count: 3, template: "agent", preset: "light", start: false, concurrency: 3, image: "/etc/profile" } },
  });
  // While it runs, its VMs are its own: no other job may act on one of them.
  await assert.rejects(request(conn, Requests.jobsStart, { kind: "delete", vm: "fq-2", force: true }), /Fleet "fq" is busy|VM "fq-2" is busy with a fleet job/);
  const done = await ended(job.id);
  assert.equal(done.state, "failed");
  assert.match(done.error!.message, /^Fleet fq: 2 of 3 created; fq-2: A VM named `fq-2` already exists\./);
  assert.deepEqual(done.result?.fleet?.members.map((m) => [m.vm, m.ok]), [["fq-1", true], ["fq-2", false], ["fq-3", true]]);
  const perVm = events.seen.filter((n) => n.method === "jobs/progress" && (n.params as JobTick).id === job.id).map((n) => (n.params as JobTick).member);
  for (const vm of ["fq-1", "fq-3"]) assert.ok(perVm.includes(vm), `progress of ${vm} was reported`);
  for (const vm of ["fq-1", "fq-3"]) assert.ok(done.members?.[vm], `the ended job keeps the progress of ${vm}`);
  assert.equal(await status("fq-3"), "Stopped");

  const del = await request(conn, Requests.jobsStart, { kind: "fleet", fleet: { action: "delete", prefix: "fq" } });
  const deleted = await ended(del.id);
  assert.equal(deleted.state, "succeeded", JSON.stringify(deleted.error));
  assert.deepEqual(deleted.result?.fleet?.members.map((m) => m.vm), ["fq-1", "fq-2", "fq-3"]);
  const left = await request(conn, Requests.vmsList, {});
  assert.deepEqual(left.ok ? left.vms.filter((v) => v.name.startsWith("fq-")) : ["not listed"], []);
});

test("a dispatch job's key reaches dispatch() but no notification, job, helper output or file", async () => {
  create("ds");
  const options = { agent: "claude" as const, prompt: "Fix the failing test." };
  const cases: [Record<string, string>, string, RegExp][] = [
    // The key arrives where it is checked: a bad name or value is refused (without the value).
    [{ PATH: KEY }, "usage", /"PATH" is not a credential variable/],
    [{ ANTHROPIC_API_KEY: `${KEY}\nX=1` }, "usage", /The value of ANTHROPIC_API_KEY is empty or contains a line break/],
    // A good key passes the checks; the VM never boots, so the run stops there.
    [{ ANTHROPIC_API_KEY: KEY }, "not-running", /VM `ds` is not running/],
  ];
  for (const [secrets, code, message] of cases) {
    const started = await request(conn, Requests.jobsStart, { kind: "dispatch", vm: "ds", dispatch: options, secrets });
    assert.equal(JSON.stringify(started).includes("sk-ant-planted"), false, "the started job has no key");
    assert.deepEqual(Object.keys(started.request).sort(), ["dispatch", "kind", "vm"]);
    const failed = await ended(started.id);
    assert.equal(failed.error?.code, code, failed.error?.message);
    assert.match(failed.error!.message, message);
  }
  const listed = await request(conn, Requests.jobsList, {});
  // All the helper will ever print is in its output once it has exited (the last test here).
  await helper.stop();

  const leaks: string[] = [];
  if (JSON.stringify(events.seen).includes(KEY)) leaks.push("a notification");
  if (JSON.stringify(listed).includes(KEY)) leaks.push("jobs/list");
  if (helper.output().includes(KEY)) leaks.push("the helper's output");
  for (const file of filesUnder(home.dir)) if (readFileSync(file).includes(KEY)) leaks.push(file);
  assert.deepEqual(leaks, []);
  assert.ok(events.seen.some((n) => n.method === "jobs/log"), "the search covered real log lines");
  assert.ok(filesUnder(home.dir).some((f) => f.endsWith("/ds/lima.yaml")), "the search covered the instance's files");
});


