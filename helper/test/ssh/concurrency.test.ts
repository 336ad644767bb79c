// Two nixlima processes at once lose nothing: real separate node processes, the real lock file.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { withFileLock } from "../../src/fsutil/lock";
import { removeSshConfig } from "../../src/ssh";
import { startMarker } from "../../src/ssh/managedBlock";
import { makeWorld, sshGValue, type World } from "./world";

const run = promisify(execFile);
const worker = join(import.meta.dirname, "concurrentWorker.ts");
const node = (args: string[]) => run(process.execPath, ["--import", "tsx", worker, ...args], { timeout: 120_000 });

describe("concurrent nixlima processes", () => {
  let w: World;
  before(() => {
    w = makeWorld();
    mkdirSync(w.sshDir, { recursive: true, mode: 0o700 });
  });
  after(() => w.dispose());

  it("the lock serialises two processes' read-modify-write (2 × 40 increments = 80)", async () => {
    const counter = join(w.root, "counter");
    writeFileSync(counter, "0");
    const lock = join(w.root, "count.lock");
    await Promise.all([node(["count", lock, counter, "40"]), node(["count", lock, counter, "40"])]);
    assert.equal(readFileSync(counter, "utf8"), "80");
    assert.equal(existsSync(lock), false, "released");
  });

  it("two processes syncing the same config and 16 new ones at once: one block each, the user's lines intact, every created file remembered", async () => {
    const own = "User bob\nHost box\n  HostName box.example.com\n";
    writeFileSync(w.userConfig, own, { mode: 0o600 });
    const fresh = Array.from({ length: 16 }, (_, i) => join(w.root, `cfg${i}`, "config"));
    const mine = (odd: number) => [w.userConfig, ...fresh.filter((_, i) => i % 2 === odd), w.userConfig];
    await Promise.all([node(["sync", w.root, w.nixlimaDir, ...mine(0)]), node(["sync", w.root, w.nixlimaDir, ...mine(1)])]);

    const text = readFileSync(w.userConfig, "utf8");
    assert.equal(text.split(startMarker).length - 1, 1, "exactly one block");
    assert.ok(text.endsWith(own), "the user's own lines, whole and in order");
    for (const f of fresh) assert.equal(sshGValue(f, "lima-dev", "port"), "41234", f);
    // A lost update of nixlima's record of files it created would leave one behind here.
    for (const f of fresh) {
      await removeSshConfig({ userConfigPath: f, nixlimaDir: w.nixlimaDir });
      assert.equal(existsSync(f), false, `${f} was created by nixlima and is gone again`);
    }
    await removeSshConfig({ userConfigPath: w.userConfig, nixlimaDir: w.nixlimaDir });
    assert.equal(readFileSync(w.userConfig, "utf8"), own);
  });

  it("a lock left by a dead process is broken; a live holder makes the waiter give up with a clear message", async () => {
    const lock = join(w.root, "stale.lock");
    const { stdout } = await run("sh", ["-c", "echo $$"]);
    writeFileSync(lock, `${stdout.trim()}@${(await import("node:os")).hostname()}\n`);
    assert.equal(await withFileLock(lock, async () => "entered", { timeoutMs: 2000 }), "entered");

    writeFileSync(lock, `${process.ppid}@${(await import("node:os")).hostname()}\n`);
    await assert.rejects(withFileLock(lock, async () => "entered", { timeoutMs: 300 }), /Another nixlima process .* is still updating the ssh config/);
    assert.ok(existsSync(lock), "a live holder's lock is left alone");
  });
});
