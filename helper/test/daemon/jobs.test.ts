// The job machinery itself: state changes, log capping, cancel, one job per VM.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JobManager, type JobRunner } from "../../src/daemon/jobs";
import { NixlimaError } from "../../src/errors";
import type { Job, JobTick } from "../../src/protocol";

function manager(runner: JobRunner) {
  const changes: Job[] = [];
  const ticks: JobTick[] = [];
  const logs: string[] = [];
  const jobs = new JobManager(runner, {
    changed: (j) => changes.push(structuredClone(j)),
    tick: (t) => ticks.push(t),
    log: (l) => logs.push(l.line),
  });
  return { jobs, changes, ticks, logs };
}

test("a job is sent whole when it starts and ends; a tick in between carries only its progress", async () => {
  const { jobs, changes, ticks, logs } = manager(async (_req, r) => {
    r.log("limactl start dev");
    r.progress({ stage: "Booting", fraction: 0.5 });
    r.member("w-1", { stage: "Creating" });
  });
  const job = jobs.start({ kind: "start", vm: "dev" });
  await jobs.idle();
  assert.deepEqual(
    changes.map((c) => [c.state, c.progress.stage, c.log.length]),
    [["running", "Queued", 0], ["succeeded", "Booting", 1]],
  );
  assert.deepEqual(ticks, [
    { id: job.id, progress: { stage: "Booting", fraction: 0.5 } },
    { id: job.id, progress: { stage: "Creating" }, member: "w-1" },
  ]);
  assert.deepEqual(logs, ["limactl start dev"]);
  const final = jobs.list().find((j) => j.id === job.id)!;
  assert.equal(final.state, "succeeded");
  assert.ok(final.endedAt! >= final.startedAt);
});

test("a failure keeps the NixlimaError's code, message and hint", async () => {
  const { jobs } = manager(async () => {
    throw new NixlimaError("protected", 'VM "dev" is protected.', "Run limactl unprotect dev.");
  });
  jobs.start({ kind: "delete", vm: "dev" });
  await jobs.idle();
  assert.deepEqual(jobs.list()[0]!.error, { code: "protected", message: 'VM "dev" is protected.', hint: "Run limactl unprotect dev." });
});

test("cancel aborts the runner's signal and ends the job as cancelled", async () => {
  const { jobs } = manager(
    (_req, _r, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("killed")))),
  );
  const job = jobs.start({ kind: "start", vm: "dev" });
  assert.equal(jobs.running(), 1);
  assert.equal(jobs.cancel(job.id), true);
  await jobs.idle();
  assert.equal(jobs.list()[0]!.state, "cancelled");
  assert.equal(jobs.list()[0]!.error?.code, "cancelled");
  assert.equal(jobs.cancel(job.id), false, "an ended job cannot be cancelled again");
});

test("one VM runs one job at a time; other VMs are not blocked", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { jobs } = manager(() => gate);
  jobs.start({ kind: "start", vm: "a" });
  assert.throws(() => jobs.start({ kind: "stop", vm: "a" }), /busy with a start job/);
  jobs.start({ kind: "start", vm: "b" });
  assert.equal(jobs.running(), 2);
  release();
  await jobs.idle();
});

test("the log keeps the last 200 lines", async () => {
  const { jobs } = manager(async (_req, r) => {
    for (let i = 0; i < 250; i++) r.log(`line ${i}`);
  });
  jobs.start({ kind: "start", vm: "dev" });
  await jobs.idle();
  const log = jobs.list()[0]!.log;
  assert.equal(log.length, 200);
  assert.equal(log[0], "line 50");
  assert.equal(log.at(-1), "line 249");
});
