// Clone, rename, resize, protect and fork against the real limactl, on never-booting fixture VMs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import { deleteVm, inspectVm, type Reporter } from "../../src/lima/operations";
import { cloneVm, forkVm, renameVm, resizeVm, setProtected } from "../../src/lima/vmOps";
import type { Progress } from "../../src/protocol";
import { qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { countingLimactl, DUMMY_YAML } from "./support/countingLimactl";

const home = tempLimaHome();
const bin = tempLimaHome();
after(() => {
  home.dispose();
  bin.dispose();
});
const counting = countingLimactl(bin.dir);
let l: Limactl;
const never = new AbortController().signal;
const GIB = 1024 ** 3;

function recorder(): Reporter & { stages: Progress[]; lines: string[] } {
  const stages: Progress[] = [];
  const lines: string[] = [];
  return { stages, lines, progress: (p) => stages.push(p), log: (line) => lines.push(line) };
}

async function createDummy(name: string, yaml = DUMMY_YAML): Promise<void> {
  await l.run(["create", "--name", name, "-"], { input: yaml });
}

const names = async () => (await listVms(l)).map((v) => v.name).sort();

before(async () => {
  l = await Limactl.locate({ path: counting.path, limaHome: home.dir }, { ...process.env, ...qemuEnv });
});

test("clone copies a stopped VM under a new name; the source stays as it was", async () => {
  await createDummy("src1");
  const r = recorder();
  await cloneVm(l, "src1", "copy1", r, never);
  assert.deepEqual(await names(), ["copy1", "src1"]);
  const copy = await inspectVm(l, "copy1", undefined);
  assert.equal(copy.status, "Stopped");
  assert.equal(copy.dir, join(home.dir, "copy1"));
  assert.ok(existsSync(join(home.dir, "copy1", "disk")));
  assert.ok(r.lines.some((x) => /^\$ .* clone src1 copy1$/.test(x)), r.lines.join("\n"));
  assert.equal(r.stages.at(-1)?.stage, "Cloned");
});

test("clone and rename refuse a taken name, a bad name and a missing VM, and change nothing", async () => {
  await createDummy("src2");
  await createDummy("taken2");
  const before = await names();
  await assert.rejects(cloneVm(l, "src2", "taken2", recorder(), never), (err: any) => {
    assert.equal(err.code, "already-exists");
    assert.equal(err.message, "A VM named `taken2` already exists.");
    return true;
  });
  await assert.rejects(renameVm(l, "src2", "taken2", recorder(), never), { code: "already-exists" });
  await assert.rejects(cloneVm(l, "nothere", "new2", recorder(), never), { code: "not-found" });
  await assert.rejects(renameVm(l, "nothere", "new2", recorder(), never), { code: "not-found" });
  const calls = counting.calls().length;
  for (const bad of ["a b", "../x", "-rf", "x.yaml"]) {
    await assert.rejects(cloneVm(l, "src2", bad, recorder(), never), { code: "invalid-name" });
    await assert.rejects(renameVm(l, "src2", bad, recorder(), never), { code: "invalid-name" });
  }
  assert.equal(counting.calls().length, calls, "a bad name starts no limactl process");
  assert.deepEqual(await names(), before);
});

test("a clone cancelled while it copies leaves no half-made VM", async () => {
  await createDummy("src3");
  const ac = new AbortController();
  const r = recorder();
  r.progress = (p) => {
    r.stages.push(p);
    if (p.stage === "Copying the disk") ac.abort();
  };
  await assert.rejects(cloneVm(l, "src3", "copy3", r, ac.signal), { code: "cancelled" });
  assert.equal(existsSync(join(home.dir, "copy3")), false);
  assert.ok(!(await names()).includes("copy3"));
  assert.ok(r.stages.some((p) => p.stage === "Removing the unfinished copy"), JSON.stringify(r.stages));
});

test("rename moves a stopped VM and keeps it protected (Lima itself drops the mark)", async () => {
  await createDummy("old4");
  await setProtected(l, "old4", true, recorder(), never);
  await renameVm(l, "old4", "new4", recorder(), never);
  assert.equal(existsSync(join(home.dir, "old4")), false);
  const vm = await inspectVm(l, "new4", undefined);
  assert.equal(vm.protected, true);
  await assert.rejects(deleteVm(l, "new4", { force: true }, recorder(), never), (err: any) => {
    assert.equal(err.code, "protected");
    assert.match(err.hint, /nixlima unprotect new4/);
    return true;
  });
  await setProtected(l, "new4", false, recorder(), never);
  assert.equal((await inspectVm(l, "new4", undefined)).protected, false);
  await deleteVm(l, "new4", {}, recorder(), never);
});

test("resize sets CPUs, memory and disk of a stopped VM", async () => {
  await createDummy("rs5");
  const r = recorder();
  await resizeVm(l, "rs5", { cpus: 3, memoryGiB: 2.5, diskGiB: 2 }, r, never);
  const vm = await inspectVm(l, "rs5", undefined);
  assert.equal(vm.cpus, 3);
  assert.equal(vm.memoryBytes, 2.5 * GIB);
  assert.equal(vm.diskBytes, 2 * GIB);
  assert.ok(r.lines.some((x) => /^\$ .* edit --cpus 3 --memory 2\.5 --disk 2 rs5$/.test(x)), r.lines.join("\n"));
});

test("resize makes Create's checks and refuses to shrink the disk, leaving lima.yaml as it was", async () => {
  await createDummy("rs6");
  await resizeVm(l, "rs6", { diskGiB: 3 }, recorder(), never);
  const yamlPath = join(home.dir, "rs6", "lima.yaml");
  const before = readFileSync(yamlPath, "utf8");
  const calls = counting.calls().length;
  await assert.rejects(resizeVm(l, "rs6", { cpus: 1.5 }, recorder(), never), {
    code: "usage",
    message: "The number of CPUs must be a positive whole number.",
  });
  await assert.rejects(resizeVm(l, "rs6", { memoryGiB: 0 }, recorder(), never), { message: "The memory (GiB) must be a positive number." });
  await assert.rejects(resizeVm(l, "rs6", {}, recorder(), never), { code: "usage", message: /Say what to change/ });
  assert.equal(counting.calls().length, calls, "bad numbers start no limactl process");
  await assert.rejects(resizeVm(l, "rs6", { diskGiB: 1 }, recorder(), never), (err: any) => {
    assert.equal(err.message, "The disk of VM `rs6` can only grow: it has 3 GiB, so the new size must be at least 3 GiB.");
    return true;
  });
  assert.equal(readFileSync(yamlPath, "utf8"), before);
  assert.deepEqual(readdirSync(join(home.dir, "rs6")).filter((f) => f.includes("REJECTED")), []);
});

test("fork clones a stopped VM and starts it; a fork cancelled while it boots is deleted again", async () => {
  // SeaBIOS finds nothing to boot, so QEMU runs and Lima waits for ssh until cancelled.
  await createDummy("tpl7", DUMMY_YAML.replace(/}$/, ", firmware: {legacyBIOS: true}}"));
  const ac = new AbortController();
  const r = recorder();
  r.progress = (p) => {
    r.stages.push(p);
    if (/waiting for SSH/i.test(p.stage)) ac.abort();
  };
  await assert.rejects(forkVm(l, "tpl7", "fork7", r, ac.signal), { code: "cancelled" });
  const stages = r.stages.map((p) => p.stage);
  for (const s of ["Copying the disk", "Cloned", /waiting for SSH/i, "Removing the unfinished copy"]) {
    assert.ok(stages.some((stage) => (typeof s === "string" ? stage === s : s.test(stage))), `${s} missing from ${stages.join(", ")}`);
  }
  assert.equal(existsSync(join(home.dir, "fork7")), false);
  assert.equal((await inspectVm(l, "tpl7", undefined)).status, "Stopped");
});

test("the list gives each VM's real disk use on the host beside its nominal size", async () => {
  await createDummy("du8");
  const before = (await listVms(l)).find((v) => v.name === "du8")!;
  assert.equal(typeof before.diskUsedBytes, "number");
  // A sparse grow (what a resize does at the next start) adds nominal size, not use.
  truncateSync(join(home.dir, "du8", "disk"), 8 * GIB);
  const sparse = (await listVms(l)).find((v) => v.name === "du8")!;
  assert.ok(sparse.diskUsedBytes! < before.diskUsedBytes! + 1024 * 1024, `${sparse.diskUsedBytes} vs ${before.diskUsedBytes}`);
  appendFileSync(join(home.dir, "du8", "disk"), randomBytes(4 * 1024 * 1024));
  const written = (await listVms(l)).find((v) => v.name === "du8")!;
  assert.ok(written.diskUsedBytes! >= before.diskUsedBytes! + 4 * 1024 * 1024, `${written.diskUsedBytes} vs ${before.diskUsedBytes}`);
});
