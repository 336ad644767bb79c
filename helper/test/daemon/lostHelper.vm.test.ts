// A helper that goes away never leaves a job running: a window that reconnects to a new helper
// ends the jobs that helper does not know, and a helper stopped with SIGTERM cancels its jobs
// (a start stops its VM again) before it exits, so no limactl, hostagent or qemu is left behind.
// Real helper processes, real limactl; a never-booting fixture VM, and the real test guest for qemu.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { stringify } from "yaml";
import { RunningJobs } from "../../src/shared/runningJobs";
import { Requests, type JobTick } from "../../src/protocol";
import { request } from "../../src/rpc";
import { createDummy, runLimactl } from "../../../test/support/dummies";
import { Recorder, startHelper } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";
import { testVmConfig } from "../../../test/support/testVm";

/** Every process whose command line names `dir` (a test's own LIMA_HOME): limactl, hostagent, qemu. */
function processesUnder(dir: string): string[] {
  const ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return ps
    .split("\n")
    .filter((line) => line.includes(dir) && !/\bps -eo\b/.test(line))
    .map((line) => line.trim());
}

async function until(what: string, check: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("a window that reconnects to a new helper ends, with a sentence, the job the killed helper was running", { timeout: 300_000 }, async () => {
  const home = tempLimaHome();
  createDummy(home.dir, "lost1");
  let helper = await startHelper(home.dir);
  try {
    const view = new RunningJobs();
    const conn = await helper.connectClient();
    const events = new Recorder(conn);
    assert.deepEqual(view.reconnected(helper.child.pid!, await request(conn, Requests.jobsList, {})), []);
    // A never-booting VM: `limactl start` waits for ssh, so this job runs until something ends it.
    const job = await request(conn, Requests.jobsStart, { kind: "start", vm: "lost1" });
    view.seen(job);
    await events.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && j.progress.stage !== "Queued", 60_000);

    const exited = new Promise((r) => helper.child.once("exit", r));
    helper.child.kill("SIGKILL");
    await exited;
    conn.dispose();

    helper = await startHelper(home.dir);
    const again = await helper.connectClient();
    const known = await request(again, Requests.jobsList, {});
    const ended = view.reconnected(helper.child.pid!, known);
    again.dispose();
    assert.deepEqual(known, [], "the new helper does not know the old helper's job");
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.id, job.id);
    assert.equal(ended[0]!.state, "failed");
    assert.match(ended[0]!.error?.message ?? "", /^The start of VM "lost1" was lost to this window: the nixlima helper running it stopped, or was replaced after a settings change; check it, and run it again if needed\.$/);
    assert.deepEqual(view.reconnected(helper.child.pid!, known), [], "a job is ended once");
  } finally {
    await helper.stop();
    runLimactl(home.dir, ["stop", "-f", "lost1"]);
    home.dispose();
  }
});

test("a helper stopped with SIGTERM mid-start cancels the start: no limactl, hostagent or qemu of it remains", { timeout: 300_000 }, async () => {
  const home = tempLimaHome();
  // The real test guest: its `limactl start` runs a hostagent and qemu until the guest boots.
  runLimactl(home.dir, ["create", "--name", "term2", "-"], stringify(testVmConfig({})));
  const helper = await startHelper(home.dir);
  try {
    const conn = await helper.connectClient();
    const job = await request(conn, Requests.jobsStart, { kind: "start", vm: "term2" });
    assert.equal(job.state, "running");
    await until("qemu of term2 started", () => processesUnder(home.dir).some((p) => /qemu-system/.test(p)));
    const exited = new Promise<number | null>((r) => helper.child.once("exit", r));
    helper.child.kill("SIGTERM");
    assert.equal(await exited, 0, helper.output());
    conn.dispose();
    assert.deepEqual(processesUnder(home.dir), [], "processes of the start left behind");
  } finally {
    await helper.stop();
    runLimactl(home.dir, ["stop", "-f", "term2"]);
    home.dispose();
  }
});
