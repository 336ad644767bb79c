// One rule for whether a running job holds a VM: the helper (JobManager, which refuses a second
// job on it) and the explorer (jobHoldingVm over the window's copy of the jobs) give the same
// answer for a running task, a running fleet (also for a member it has finished with) and a
// finished task.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JobManager, type JobReporter } from "../../src/daemon/jobs";
import type { Job, JobRequest } from "../../src/protocol";
import { jobHoldingVm } from "../../src/shared/jobHolds";
import { JobMirror } from "../../src/shared/jobMirror";

/** A helper whose jobs run until released, and a window's copy of them fed by its events. */
function sides() {
  const mirror = new JobMirror();
  const gates = new Map<string, { release: () => void; reporter: JobReporter }>();
  const jobs = new JobManager(
    (request, reporter) => new Promise<void>((release) => gates.set(request.kind, { release, reporter })),
    { changed: (j) => mirror.whole(structuredClone(j)), tick: (t) => mirror.tick(t), log: (l) => mirror.log(l) },
  );
  const windowJobs = () => jobs.list().map((j) => mirror.get(j.id)!);
  /** Both answers for VM `vm`: does the helper refuse a stop of it, and does the explorer see it held. */
  const answers = (vm: string) => ({
    helper: jobs.busyWith({ kind: "stop", vm }) ? "held" : "free",
    window: jobHoldingVm(windowJobs(), vm) ? "held" : "free",
  });
  return { jobs, gates, answers };
}

const task: JobRequest = { kind: "dispatch", vm: "d", dispatch: { agent: "codex", prompt: "x" } };

test("a running task holds its VM on both sides, and only its VM", () => {
  const { jobs, answers } = sides();
  jobs.start(task);
  assert.deepEqual(answers("d"), { helper: "held", window: "held" });
  assert.deepEqual(answers("e"), { helper: "free", window: "free" });
});

test("a running fleet holds all its VMs on both sides until it ends, also a member it has finished with", async () => {
  const { jobs, gates, answers } = sides();
  jobs.start({ kind: "fleet", fleet: { action: "stop", prefix: "w" } });
  await new Promise((r) => setImmediate(r));
  gates.get("fleet")!.reporter.member("w-1", { stage: "Stopped", fraction: 1 });
  for (const vm of ["w-1", "w-2"]) assert.deepEqual(answers(vm), { helper: "held", window: "held" }, vm);
  assert.deepEqual(answers("web-1"), { helper: "free", window: "free" });
  gates.get("fleet")!.release();
  await jobs.idle();
  assert.deepEqual(answers("w-1"), { helper: "free", window: "free" });
});

test("a finished task holds nothing on either side", async () => {
  const { jobs, gates, answers } = sides();
  const job: Job = jobs.start(task);
  await new Promise((r) => setImmediate(r));
  gates.get("dispatch")!.release();
  await jobs.idle();
  assert.equal(jobs.list().find((j) => j.id === job.id)?.state, "succeeded");
  assert.deepEqual(answers("d"), { helper: "free", window: "free" });
});
