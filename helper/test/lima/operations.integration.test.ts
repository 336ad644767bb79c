// VM operations and listing against the real limactl, on never-booting dummy instances.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { NixlimaError } from "../../src/errors";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import { deleteVm, inspectVm, restartVm, shellArgs, startVm, stopVm, type Reporter } from "../../src/lima/operations";
import type { Progress } from "../../src/protocol";
import { qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { countingLimactl, DUMMY_YAML } from "./support/countingLimactl";

const home = tempLimaHome();
const bin = tempLimaHome(); // the wrapper lives outside LIMA_HOME
after(() => {
  home.dispose();
  bin.dispose();
});
const counting = countingLimactl(bin.dir);
let l: Limactl;
const never = new AbortController().signal;

function recorder(): Reporter & { stages: Progress[]; lines: string[] } {
  const stages: Progress[] = [];
  const lines: string[] = [];
  return { stages, lines, progress: (p) => stages.push(p), log: (line) => lines.push(line) };
}

async function createDummy(name: string): Promise<void> {
  await l.run(["create", "--name", name, "-"], { input: DUMMY_YAML });
}

before(async () => {
  l = await Limactl.locate({ path: counting.path, limaHome: home.dir }, { ...process.env, ...qemuEnv });
});

test("create, list, protect (delete refused), unprotect, delete", async () => {
  await createDummy("d1");
  const [vm] = await listVms(l);
  assert.equal(vm!.name, "d1");
  assert.equal(vm!.status, "Stopped");
  assert.equal(vm!.dir, join(home.dir, "d1"));
  assert.equal(vm!.protected, false);

  await l.run(["protect", "d1"]);
  assert.equal((await inspectVm(l, "d1", undefined)).protected, true);
  const r = recorder();
  await assert.rejects(deleteVm(l, "d1", { force: true }, r, never), (err: any) => {
    assert.equal(err.code, "protected");
    assert.match(err.message, /instance is protected/);
    assert.match(err.hint, /limactl unprotect d1/);
    return true;
  });
  assert.ok(existsSync(join(home.dir, "d1", "lima.yaml")), "a refused delete leaves the instance");
  assert.ok(r.lines.some((x) => /^\$ .*limactl --tty=false --log-format json delete -f d1$/.test(x)), r.lines.join("\n"));

  await l.run(["unprotect", "d1"]);
  const r2 = recorder();
  await deleteVm(l, "d1", {}, r2, never);
  assert.equal(existsSync(join(home.dir, "d1")), false);
  assert.deepEqual(await listVms(l), []);
  assert.equal(r2.stages.at(-1)?.stage, "Deleted");
});

test("names that do not exist: not-found from every operation, and start creates nothing", async () => {
  for (const op of [
    () => startVm(l, "nothere", recorder(), never),
    () => restartVm(l, "nothere", recorder(), never),
    () => stopVm(l, "nothere", {}, recorder(), never),
    () => stopVm(l, "nothere", { force: true }, recorder(), never),
    () => deleteVm(l, "nothere", {}, recorder(), never),
    () => inspectVm(l, "nothere", undefined),
  ]) {
    await assert.rejects(op(), { code: "not-found" });
  }
  assert.equal(existsSync(join(home.dir, "nothere")), false);
});

test("a bad name is refused before any limactl process starts", async () => {
  const before = counting.calls().length;
  for (const bad of ["../x", "a b", "-rf", "x".repeat(77)]) {
    await assert.rejects(startVm(l, bad, recorder(), never), { code: "invalid-name" });
    await assert.rejects(stopVm(l, bad, { force: true }, recorder(), never), { code: "invalid-name" });
    await assert.rejects(restartVm(l, bad, recorder(), never), { code: "invalid-name" });
    await assert.rejects(deleteVm(l, bad, { force: true }, recorder(), never), { code: "invalid-name" });
    assert.throws(() => shellArgs(bad, []), { code: "invalid-name" });
  }
  assert.equal(counting.calls().length, before);
});

test("stopping a stopped VM says it is not running", async () => {
  await createDummy("d2");
  await assert.rejects(stopVm(l, "d2", {}, recorder(), never), { code: "not-running" });
  await stopVm(l, "d2", { force: true }, recorder(), never); // force on a stopped VM is fine
});

test("starting a dummy fails with one readable sentence, progress on the way, and leaves it stopped", async () => {
  await createDummy("d3");
  const r = recorder();
  // Bounded: if this machine could boot the dummy, cancel (and the stop -f it triggers) ends it.
  await assert.rejects(startVm(l, "d3", r, AbortSignal.timeout(120_000)), (err: any) => {
    assert.equal(err.code, "failed");
    assert.match(err.message, /^VM `d3` failed to start: .+/);
    assert.doesNotMatch(err.message, /status=\{|\n/);
    assert.match(err.hint, /ha\.stderr\.log/);
    return true;
  });
  assert.ok(r.stages.some((s) => s.stage === "Starting the VM"), JSON.stringify(r.stages));
  assert.ok(r.lines.some((x) => /^\$ .* start d3$/.test(x)));
  assert.equal((await inspectVm(l, "d3", undefined)).status, "Stopped");
});

test("cancelling a start of a booting VM stops it (limactl stop -f), with live progress on the way", async () => {
  // SeaBIOS finds nothing to boot, so QEMU runs and Lima waits for ssh until cancelled.
  await l.run(["create", "--name", "boot1", "-"], { input: DUMMY_YAML.replace(/}$/, ", firmware: {legacyBIOS: true}}") });
  const r = recorder();
  const ac = new AbortController();
  const progress = r.progress;
  r.progress = (p) => {
    progress(p);
    if (/^Booting \(1 of \d\): waiting for SSH$/.test(p.stage)) ac.abort();
  };
  try {
    await assert.rejects(startVm(l, "boot1", r, ac.signal), { code: "cancelled" });
    const stages = r.stages.map((p) => p.stage);
    for (const s of [/^Starting the VM$/, /^Booting$/, /^Booting: waiting for SSH$/, /^Booting \(1 of \d\): waiting for SSH$/, /^Stopping after cancel$/]) {
      assert.ok(stages.some((x) => s.test(x)), `${s} missing from ${stages.join(", ")}`);
    }
    assert.ok(r.lines.some((x) => /^\$ .* stop -f boot1$/.test(x)), r.lines.join("\n"));
    assert.equal((await inspectVm(l, "boot1", undefined)).status, "Stopped");
  } finally {
    await l.run(["delete", "-f", "boot1"]);
  }
});

test("a Broken instance is listed, not dropped, and start refuses it clearly", async () => {
  await createDummy("d4");
  mkdirSync(join(home.dir, "broken1"));
  const vms = await listVms(l);
  const broken = vms.find((v) => v.name === "broken1")!;
  assert.equal(broken.status, "Broken");
  assert.match(broken.errors[0]!, /lima\.yaml: no such file or directory/);
  assert.ok(vms.some((v) => v.name === "d4" && v.status === "Stopped"), "a good VM beside it is still listed");
  await assert.rejects(startVm(l, "broken1", recorder(), never), (err: NixlimaError) => {
    assert.equal(err.message, '"broken1" is broken: its configuration file (lima.yaml) is missing, so Lima cannot run it.');
    assert.match(err.detail!, /open .*broken1\/lima\.yaml: no such file or directory/);
    return true;
  });
  rmSync(join(home.dir, "broken1"), { recursive: true });
});

/** A never-booted fixture made Broken the way people meet it: its lima.yaml deleted. */
async function brokenFixture(name: string): Promise<string> {
  await createDummy(name);
  rmSync(join(home.dir, name, "lima.yaml"));
  assert.equal((await inspectVm(l, name, undefined)).status, "Broken");
  return join(home.dir, name);
}

test("Stop on a Broken VM says it is broken and how to remove it, not that it does not exist", async () => {
  const dir = await brokenFixture("brk1");
  for (const force of [false, true]) {
    await assert.rejects(stopVm(l, "brk1", { force }, recorder(), never), (err: NixlimaError) => {
      assert.equal(err.message, '"brk1" cannot be stopped: its configuration file (lima.yaml) cannot be read, so Lima no longer knows how to run it.');
      assert.match(err.hint!, /Force Delete/);
      assert.match(err.detail!, /brk1\/lima\.yaml: no such file or directory/);
      return true;
    });
  }
  // A name that really is unknown still says so.
  await assert.rejects(stopVm(l, "nothere", {}, recorder(), never), /There is no VM named `nothere`/);
  rmSync(dir, { recursive: true });
});

test("Force Delete of a Broken VM finishes what Lima refuses; a plain delete says what is left", async () => {
  const dir = await brokenFixture("brk2");
  await assert.rejects(deleteVm(l, "brk2", {}, recorder(), never), /"brk2" was not deleted: its configuration file \(lima\.yaml\) cannot be read, so Lima left its folder/);
  assert.ok(existsSync(dir));
  const r = recorder();
  await deleteVm(l, "brk2", { force: true }, r, never);
  assert.equal(existsSync(dir), false);
  assert.ok(r.stages.some((p) => p.stage === "Removing what Lima left"), JSON.stringify(r.stages));
  assert.ok((await listVms(l)).every((v) => v.name !== "brk2"));
});

test("Force Delete of a Broken VM whose process still runs names it and removes nothing", async () => {
  const dir = await brokenFixture("brk3");
  writeFileSync(join(dir, "ha.pid"), `${process.pid}\n`); // a live process: this test's own
  await assert.rejects(deleteVm(l, "brk3", { force: true }, recorder(), never), (err: NixlimaError) => {
    assert.equal(err.message, `"brk3" was not deleted: ha (pid ${process.pid}) still runs from ${dir}.`);
    assert.match(err.hint!, new RegExp(`kill ${process.pid}`));
    return true;
  });
  assert.ok(existsSync(join(dir, "disk")));
  rmSync(dir, { recursive: true });
});

test("shellArgs builds limactl shell argv", () => {
  assert.deepEqual(shellArgs("d2", []), ["shell", "d2"]);
  assert.deepEqual(shellArgs("d2", ["uname", "-a"]), ["shell", "d2", "--", "uname", "-a"]);
});

test("a LIMA_HOME with 100 instances lists them all with one limactl process", async () => {
  await createDummy("m000");
  // Copies of a real instance folder are valid instances: Lima derives the name from the folder.
  for (let i = 1; i < 100; i++) cpSync(join(home.dir, "m000"), join(home.dir, `m${String(i).padStart(3, "0")}`), { recursive: true });
  const callsBefore = counting.calls().length;
  const t0 = performance.now();
  const vms = (await listVms(l)).filter((v) => v.name.startsWith("m"));
  const ms = performance.now() - t0;
  assert.equal(counting.calls().length - callsBefore, 1);
  assert.equal(vms.length, 100);
  assert.deepEqual(vms.map((v) => v.name), Array.from({ length: 100 }, (_, i) => `m${String(i).padStart(3, "0")}`));
  for (const vm of vms) {
    assert.equal(vm.status, "Stopped");
    assert.equal(vm.dir, join(home.dir, vm.name));
  }
  console.log(`# listVms with 100 instances: ${ms.toFixed(0)} ms`);
});
