// Snapshots on the real QEMU test guest: a checkpoint, a file written after it, Reset to
// checkpoint, and the file is gone. Everything is real: limactl, QEMU, the Debian guest.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Limactl } from "../../src/lima/limactl";
import type { Reporter } from "../../src/lima/operations";
import { listSnapshots, snapshotJob } from "../../src/lima/snapshots";
import type { Progress } from "../../src/protocol";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { bootTestVm, destroyInstance, guestShell, secondsSince } from "../../../test/support/testVmRun";

const NAME = "snap";
const lima = tempLimaHome();
let l: Limactl;
const never = new AbortController().signal;
const guest = (script: string) => guestShell(lima.dir, NAME, script);

function recorder(): Reporter & { stages: Progress[] } {
  const stages: Progress[] = [];
  return { stages, progress: (p) => stages.push(p), log: () => undefined };
}

before(async () => {
  await bootTestVm(lima.dir, NAME, "snapshots");
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
});

test("snapshot, write a file, reset to the snapshot: the file is gone; the snapshot is listed, then deleted", async () => {
  await guest("echo before > ~/kept.txt && sync");
  let t = performance.now();
  const r = recorder();
  await snapshotJob(l, NAME, { action: "create", tag: "clean" }, r, never);
  console.log(`# snapshot create (running guest): ${secondsSince(t)} s`);
  assert.equal(r.stages.at(-1)?.stage, "Snapshot saved");
  assert.deepEqual((await listSnapshots(l, NAME)).map((s) => s.tag), ["clean"]);

  await guest("echo after > ~/later.txt && sync");
  assert.equal((await guest("cat ~/later.txt")).trim(), "after");

  await assert.rejects(snapshotJob(l, NAME, { action: "create", tag: "clean" }, recorder(), never), { code: "already-exists" });
  await assert.rejects(snapshotJob(l, NAME, { action: "apply", tag: "nope" }, recorder(), never), { code: "not-found" });

  t = performance.now();
  await snapshotJob(l, NAME, { action: "apply", tag: "clean" }, recorder(), never);
  console.log(`# snapshot apply (running guest): ${secondsSince(t)} s`);
  assert.equal((await guest("test -e ~/later.txt && echo present || echo gone")).trim(), "gone");
  assert.equal((await guest("cat ~/kept.txt")).trim(), "before");

  await snapshotJob(l, NAME, { action: "delete", tag: "clean" }, recorder(), never);
  assert.deepEqual(await listSnapshots(l, NAME), []);
});
