import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { signalGroup, stopGroup } from "../../src/proc/processGroup";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("stopGroup ends a whole process group, a member that ignores SIGTERM included", { timeout: 60_000 }, async () => {
  // A leader that ignores SIGTERM, with a grandchild of its own.
  const child = spawn("sh", ["-c", 'trap "" TERM; sleep 60 & echo $!; wait'], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  const [first] = (await once(child.stdout!, "data")) as [Buffer];
  const grandchild = Number(first.toString().trim());
  assert.ok(alive(grandchild), "the grandchild runs");
  const exited = once(child, "exit");
  stopGroup(child.pid, 50);
  const [, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, "SIGKILL", "the leader ignored SIGTERM and was killed after the grace");
  while (alive(grandchild)) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(grandchild), false);
});

test("signalling a group that is gone is not an error", () => {
  assert.doesNotThrow(() => signalGroup(2 ** 22 + 12345, "SIGTERM"));
  assert.doesNotThrow(() => signalGroup(undefined, "SIGKILL"));
});
