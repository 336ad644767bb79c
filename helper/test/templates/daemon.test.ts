// Creating through the real helper process, the way the extension does: templates/list, a create
// job whose VM appears in vms/changed, bad input as a typed job error, and cancel cleaning up.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { Requests, type Job, type JobTick, type VmSnapshot } from "../../src/protocol";
import { request } from "../../src/rpc";
import { createDummy } from "../../../test/support/dummies";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { repoRoot, tempLimaHome } from "../../../test/support/lima";
import { startStallingImageServer } from "../../../test/support/stallingImageServer";

const home = tempLimaHome();
const side = tempLimaHome();
const project = join(side.dir, "project");
mkdirSync(project);
let helper: HelperProcess;
let conn: MessageConnection;
let events: Recorder;
const cacheBefore = process.env.XDG_CACHE_HOME;

before(async () => {
  process.env.XDG_CACHE_HOME = join(side.dir, "cache"); // Lima's download cache, inherited by the helper
  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
  events = new Recorder(conn);
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheBefore;
  home.dispose();
  side.dispose();
});

const ended = (id: string, timeoutMs = 60_000) => events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", timeoutMs);

test("templates/list serves the bundled templates", async () => {
  const templates = await request(conn, Requests.templatesList, {});
  assert.deepEqual(templates.map((t) => [t.name, t.path]), ["minimal", "dev", "agent"].map((n) => [n, join(repoRoot, "templates", `${n}.yaml`)]));
});

test("a create job makes the VM, which the window then sees in vms/changed", async () => {
  await request(conn, Requests.vmsList, {});
  const path = join(repoRoot, "templates", "dev.yaml"); // the extension sends the template's path
  const job = await request(conn, Requests.jobsStart, {
    kind: "create",
    vm: "d1",
    create: { template: path, cpus: 2, memoryGiB: 0.5, diskGiB: 0.001, mounts: [{ location: project, writable: true }], image: "/etc/profile" },
  });
  const done = await ended(job.id);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
  assert.ok(done.log.some((l) => /create --name d1 -$/.test(l)), done.log.join("\n"));
  const snapshot = await events.waitFor<VmSnapshot>("vms/changed", (s) => s.ok && s.vms.some((v) => v.name === "d1"));
  const vm = snapshot.ok ? snapshot.vms.find((v) => v.name === "d1") : undefined;
  assert.equal(vm?.cpus, 2);
  assert.deepEqual(vm?.mounts, [{ location: project, mountPoint: project, writable: true }]);
});

test("bad input fails the job with a typed one-line error and runs no limactl create", async () => {
  createDummy(home.dir, "taken1");
  const cases: [string, Record<string, unknown>, string][] = [
    ["taken1", { template: "minimal", image: "/etc/profile" }, "already-exists"],
    ["d2", { template: "nope" }, "not-found"],
    ["d3", { template: "minimal", image: join(side.dir, "none.qcow2") }, "not-found"],
    ["d..4", { template: "minimal" }, "invalid-name"],
  ];
  for (const [vm, create, code] of cases) {
    const job = await request(conn, Requests.jobsStart, { kind: "create", vm, create: create as { template: string } });
    const failed = await ended(job.id);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error?.code, code, `${vm}: ${failed.error?.message}`);
    assert.doesNotMatch(failed.error!.message, /\n/);
    assert.ok(!failed.log.some((l) => / create --name /.test(l)), failed.log.join("\n"));
  }
});

test("cancelling a create job mid-download deletes the half-made instance", async () => {
  const server = await startStallingImageServer();
  try {
    const url = server.url;
    const job = await request(conn, Requests.jobsStart, { kind: "create", vm: "cx", create: { template: "agent", image: url, diskGiB: 0.001 } });
    await events.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && j.progress.stage === "Downloading the image", 30_000);
    assert.ok(existsSync(join(home.dir, "cx")), "Lima made the instance folder before downloading");
    assert.equal((await request(conn, Requests.jobsCancel, { id: job.id })).cancelled, true);
    const done = await ended(job.id);
    assert.equal(done.state, "cancelled");
    assert.equal(existsSync(join(home.dir, "cx")), false, "no half-made instance");
    assert.ok(done.log.some((l) => / delete -f cx$/.test(l)), done.log.join("\n"));
  } finally {
    server.close();
  }
});

test("a writable mount of the home folder fails the job unless the client says the user allowed it", async () => {
  const mounts = [{ location: homedir(), writable: true }];
  const refused = await request(conn, Requests.jobsStart, { kind: "create", vm: "hw1", create: { template: "minimal", image: "/etc/profile", diskGiB: 0.001, mounts } });
  const failed = await ended(refused.id);
  assert.equal(failed.state, "failed");
  assert.match(failed.error?.message ?? "", /home/i);
  assert.equal(existsSync(join(home.dir, "hw1")), false, "nothing was created");
  const allowed = await request(conn, Requests.jobsStart, {
    kind: "create",
    vm: "hw2",
    create: { template: "minimal", image: "/etc/profile", diskGiB: 0.001, mounts, allowHomeWrite: true },
  });
  const done = await ended(allowed.id);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
});
