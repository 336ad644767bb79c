// The real helper process against the real limactl: VM changes made outside nixlima are pushed
// to every window, jobs are shared between windows and outlive a disconnect, errors arrive typed.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { Requests, type Job, type JobTick, type VmSnapshot } from "../../src/protocol";
import { request } from "../../src/rpc";
import { createDummy, runLimactl } from "../../../test/support/dummies";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { countingLimactl } from "../../../test/support/countingLimactl";
import { tempLimaHome } from "../../../test/support/lima";

const names = (s: VmSnapshot) => (s.ok ? s.vms.map((v) => v.name).sort() : []);

/** A helper of its own for one test: a fresh LIMA_HOME, the helper, a connected window and its events. */
async function withHelper(body: (h: { home: string; conn: MessageConnection; events: Recorder; helper: HelperProcess }) => Promise<void>): Promise<void> {
  const home = tempLimaHome();
  const helper = await startHelper(home.dir);
  const conn = await helper.connectClient();
  try {
    await body({ home: home.dir, conn, events: new Recorder(conn), helper });
  } finally {
    conn.dispose();
    await helper.stop();
    home.dispose();
  }
}

/** Waits until the job has ended, as a window sees it. */
const ended = (events: Recorder, id: string, timeoutMs = 60_000) =>
  events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", timeoutMs);

test("lists an empty LIMA_HOME with limactl's path and version", async () => {
  await withHelper(async ({ conn }) => {
    const snapshot = await request(conn, Requests.vmsList, {});
    assert.equal(snapshot.ok, true, JSON.stringify(snapshot));
    assert.deepEqual(names(snapshot), []);
    assert.ok(snapshot.ok && /^2\.\d+\.\d+/.test(snapshot.limactl.version));
  });
});

test("a VM made from a terminal is pushed to the window without it asking", async () => {
  await withHelper(async ({ home, conn, events }) => {
    assert.deepEqual(names(await request(conn, Requests.vmsList, {})), []);
    createDummy(home, "term1");
    const snapshot = await events.waitFor<VmSnapshot>("vms/changed", (s) => names(s).includes("term1"), 30_000);
    const vm = snapshot.ok ? snapshot.vms.find((v) => v.name === "term1") : undefined;
    assert.equal(vm?.status, "Stopped");
  });
});

test("a job started by one window is seen, and can be cancelled, by another", async () => {
  await withHelper(async ({ home, conn: a, events: aEvents, helper }) => {
    createDummy(home, "share1");
    const b = await helper.connectClient();
    const bEvents = new Recorder(b);
    try {
      // A never-booting VM: `limactl start` waits for ssh, so only cancel ends this job.
      const job = await request(a, Requests.jobsStart, { kind: "start", vm: "share1" });
      await bEvents.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && j.progress.stage !== "Queued", 30_000);
      assert.deepEqual((await request(b, Requests.jobsList, {})).map((j) => j.id), [job.id]);
      assert.equal((await request(b, Requests.jobsCancel, { id: job.id })).cancelled, true);
      assert.equal((await ended(aEvents, job.id)).state, "cancelled");
      const after = await request(a, Requests.vmsList, {});
      assert.equal(after.ok && after.vms.find((v) => v.name === "share1")?.status, "Stopped", "cancelling a start stops the VM");
    } finally {
      b.dispose();
    }
  });
});

test("jobs outlive a window: a reconnected client still gets them", async () => {
  await withHelper(async ({ home, conn, events, helper }) => {
    createDummy(home, "outlive1");
    const job = await request(conn, Requests.jobsStart, { kind: "start", vm: "outlive1" });
    await events.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && j.progress.stage !== "Queued", 30_000);
    conn.dispose();
    const again = await helper.connectClient();
    try {
      const jobs = await request(again, Requests.jobsList, {});
      assert.deepEqual(jobs.map((j) => [j.id, j.state]), [[job.id, "running"]], "the job still runs after its window went");
      assert.equal((await request(again, Requests.jobsCancel, { id: job.id })).cancelled, true);
    } finally {
      again.dispose();
    }
  });
});

test("deleting a protected VM fails with the protected error; unprotected it is deleted", async () => {
  await withHelper(async ({ home, conn, events }) => {
    createDummy(home, "prot1");
    runLimactl(home, ["protect", "prot1"]);
    const refused = await request(conn, Requests.jobsStart, { kind: "delete", vm: "prot1" });
    const failed = await ended(events, refused.id);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error?.code, "protected");
    assert.doesNotMatch(failed.error!.message, /\n|at .*\(/, "one line, no stack trace");

    runLimactl(home, ["unprotect", "prot1"]);
    const job = await request(conn, Requests.jobsStart, { kind: "delete", vm: "prot1" });
    const done = await ended(events, job.id);
    assert.equal(done.state, "succeeded", JSON.stringify(done.error));
    await events.waitFor<VmSnapshot>("vms/changed", (s) => s.ok && !names(s).includes("prot1"));
  });
});

test("a bad VM name is refused before any process starts", async () => {
  await withHelper(async ({ conn, events }) => {
    const job = await request(conn, Requests.jobsStart, { kind: "start", vm: "../etc" });
    const failed = await ended(events, job.id);
    assert.equal(failed.error?.code, "invalid-name");
    assert.ok(!failed.log.some((l) => l.includes("limactl")), `no command was run: ${failed.log.join(" | ")}`);
  });
});

test("with no window and no job for the idle time, the helper exits by itself", async () => {
  const idle = tempLimaHome();
  const h = await startHelper(idle.dir, ["--idle-exit-seconds", "1"]);
  try {
    (await h.connectClient()).dispose();
    const code = await new Promise((r) => h.child.once("exit", r));
    assert.equal(code, 0);
  } finally {
    await h.stop();
    idle.dispose();
  }
});

test("refreshes never run two limactl list at once: ten at once cost at most two", async () => {
  const home2 = tempLimaHome();
  const counter = countingLimactl(home2.dir);
  const h = await startHelper(home2.dir, ["--limactl", counter.path]);
  try {
    const c = await h.connectClient();
    await request(c, Requests.vmsList, {});
    counter.reset();
    await request(c, Requests.vmsList, {});
    assert.equal(counter.count("list"), 1, "one refresh, one limactl list");
    counter.reset();
    await Promise.all(Array.from({ length: 10 }, () => request(c, Requests.vmsList, {})));
    const lists = counter.count("list");
    assert.ok(lists >= 1 && lists <= 2, `${lists} limactl list processes for 10 concurrent refreshes`);
    c.dispose();
  } finally {
    await h.stop();
    home2.dispose();
  }
});

test("with ssh config management on, a new VM gets its host in the user's ssh config", async () => {
  const home2 = tempLimaHome();
  const sshDir = join(home2.dir, "ssh");
  const userConfig = join(home2.dir, "user-ssh-config");
  writeFileSync(userConfig, "Host *\n  ServerAliveInterval 30\n", { mode: 0o600 });
  process.env.NIXLIMA_SSH_DIR = join(sshDir, "nixlima");
  const h = await startHelper(home2.dir, ["--ssh-config", userConfig, "--manage-ssh-config"]);
  try {
    const c = await h.connectClient();
    await request(c, Requests.vmsList, {});
    createDummy(home2.dir, "sshvm");
    const deadline = Date.now() + 10_000;
    while (!readFileOr(join(sshDir, "nixlima", "config")).includes("sshvm/ssh.config") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(readFileOr(join(sshDir, "nixlima", "config")), /Include .*sshvm\/ssh\.config/);
    const user = readFileSync(userConfig, "utf8");
    assert.ok(user.indexOf("Include") < user.indexOf("Host *"), `the Include comes before the first Host line:\n${user}`);
    const status = await request(c, Requests.sshSync, {});
    assert.equal(status.block, "unchanged", "a sync finds the block the helper wrote already current");
    const removed = await request(c, Requests.sshRemove, {});
    assert.equal(removed.changed, true);
    assert.equal(readFileSync(userConfig, "utf8"), "Host *\n  ServerAliveInterval 30\n", "remove restores the user's own bytes");
    c.dispose();
  } finally {
    delete process.env.NIXLIMA_SSH_DIR;
    await h.stop();
    home2.dispose();
  }
});

function readFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
