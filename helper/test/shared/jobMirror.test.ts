// A window's copy of a job stays whole from the helper's whole jobs, ticks and log lines.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job } from "../../src/protocol";
import { JobMirror, LOG_LINES_KEPT } from "../../src/shared/jobMirror";

const running = (id: string, extra: Partial<Job> = {}): Job => ({
  id,
  request: { kind: "fleet", fleet: { action: "stop", prefix: "w" } },
  state: "running",
  progress: { stage: "Queued" },
  startedAt: 1,
  log: [],
  ...extra,
});

test("a tick changes only the job's progress, or one fleet VM's, and keeps the rest", () => {
  const mirror = new JobMirror();
  mirror.whole(running("a", { members: { "w-1": { stage: "Stopping" } } }));
  mirror.log({ id: "a", line: "limactl stop w-1" });
  assert.deepEqual(mirror.tick({ id: "a", progress: { stage: "Stopping the fleet", fraction: 0.5 } })?.progress, { stage: "Stopping the fleet", fraction: 0.5 });
  const job = mirror.tick({ id: "a", progress: { stage: "Stopped", fraction: 1 }, member: "w-2" })!;
  assert.deepEqual(job.members, { "w-1": { stage: "Stopping" }, "w-2": { stage: "Stopped", fraction: 1 } });
  assert.equal(job.progress.stage, "Stopping the fleet");
  assert.deepEqual(mirror.get("a")?.log, ["limactl stop w-1"]);
});

test("a tick for a job never seen whole, or already ended, changes nothing", () => {
  const mirror = new JobMirror();
  assert.equal(mirror.tick({ id: "x", progress: { stage: "Booting" } }), undefined);
  mirror.whole(running("b", { state: "succeeded", progress: { stage: "Done" } }));
  assert.equal(mirror.tick({ id: "b", progress: { stage: "Booting" } }), undefined);
  assert.equal(mirror.get("b")?.progress.stage, "Done");
});

test("the log keeps the last lines the helper keeps; a whole job replaces the copy", () => {
  const mirror = new JobMirror();
  mirror.whole(running("c"));
  for (let i = 0; i < LOG_LINES_KEPT + 5; i++) mirror.log({ id: "c", line: `line ${i}` });
  assert.equal(mirror.get("c")?.log.length, LOG_LINES_KEPT);
  assert.equal(mirror.get("c")?.log[0], "line 5");
  mirror.whole(running("c", { state: "failed", log: ["the end"] }));
  assert.deepEqual(mirror.get("c")?.log, ["the end"]);
});
