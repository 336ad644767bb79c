// A host folder whose path Lima's user-data cannot carry (a space, a comma, a colon) gets a
// mount point of its own, so it mounts on a cloud-init guest too; the real limactl keeps that
// mount point, and the CLI and the extension say where the folder is. The boot that proves it
// mounts is test/e2e/spacedMount.test.ts.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse, stringify } from "yaml";
import { Limactl } from "../../src/lima/limactl";
import { inspectVm } from "../../src/lima/operations";
import { createVm } from "../../src/templates/create";
import { isSafeMountPoint, movedMountNotes, safeMountPoint } from "../../src/shared/mountPoint";
import { prepareCreate } from "../../src/templates/prepare";
import { successText } from "../../../extension/src/jobWords";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";

const limaHome = tempLimaHome();
const side = mkdtempSync("/tmp/nl-mp-");
after(() => {
  limaHome.dispose();
  rmSync(side, { recursive: true, force: true });
});
const folder = (path: string) => {
  mkdirSync(join(side, path), { recursive: true });
  return join(side, path);
};
const quiet = { progress: () => {}, log: () => {} };

test("a path with a space, comma, colon or bracket gets a mount point with each run of them written as -", () => {
  assert.equal(safeMountPoint("/Users/me/My Projects/app", new Set()), "/Users/me/My-Projects/app");
  assert.equal(safeMountPoint("/Users/me/a, b: [c]/d", new Set()), "/Users/me/a-b-c-/d");
  assert.equal(safeMountPoint("/Users/me/tab\there", new Set()), "/Users/me/tab-here");
  // A path that mounts as it is keeps its own place (letters of any script included).
  for (const path of ["/Users/me/src/app", "/home/me/Übungen/日本", "/srv/a_b-c.d+e@f=g~h"]) {
    assert.equal(isSafeMountPoint(path), true, path);
    assert.equal(safeMountPoint(path, new Set()), undefined, path);
  }
});

test("two folders never share a mount point: a clash gets -2, -3", () => {
  assert.equal(safeMountPoint("/p/My Projects", new Set(["/p/My-Projects"])), "/p/My-Projects-2");
  assert.equal(safeMountPoint("/p/My Projects", new Set(["/p/My-Projects", "/p/My-Projects-2"])), "/p/My-Projects-3");
});

test("create renders a mount point for a spaced folder, also for the template's own spaced mount, and keeps written ones", async () => {
  const spaced = folder("My Projects/app");
  const plain = folder("plain");
  const template = join(side, "own.yaml");
  writeFileSync(
    template,
    stringify({
      images: [{ location: "/etc/profile" }],
      mounts: [{ location: join(side, "My Projects") }, { location: join(side, "chosen place"), mountPoint: "/mnt/chosen place" }],
    }),
  );
  const p = await prepareCreate("sp1", { template, mounts: [{ location: spaced, writable: true }, { location: plain, writable: false }] }, limaHome.dir);
  assert.deepEqual(parse(p.yaml).mounts, [
    { location: join(side, "My Projects"), mountPoint: join(side, "My-Projects") },
    { location: join(side, "chosen place"), mountPoint: "/mnt/chosen place" },
    { location: spaced, mountPoint: join(side, "My-Projects/app"), writable: true },
    { location: plain, writable: false },
  ]);
});

test("the real limactl keeps the mount point, and the CLI's and the extension's words say where the folder is", async () => {
  const spaced = folder("Work Stuff/app");
  const env = { ...process.env, ...qemuEnv, XDG_CACHE_HOME: join(side, "cache") };
  const l = await Limactl.locate({ path: limactlPath, limaHome: limaHome.dir }, env);
  await createVm(l, "sp2", { template: "dev", image: "/etc/profile", diskGiB: 0.001, mounts: [{ location: spaced, writable: true }] }, quiet, new AbortController().signal);
  const vm = await inspectVm(l, "sp2", undefined);
  const moved = join(side, "Work-Stuff/app");
  assert.deepEqual(vm.mounts, [{ location: spaced, mountPoint: moved, writable: true }]);
  assert.deepEqual(movedMountNotes(vm.mounts), [
    `The folder ${spaced} is at ${moved} in the VM: Lima cannot mount a path with a space, comma or colon as it is.`,
  ]);
  const job = { id: "j", request: { kind: "create" as const, vm: "sp2", create: { template: "dev" } }, state: "succeeded" as const, startedAt: 0, progress: { stage: "Running" }, log: [] };
  assert.equal(successText(job, vm), `sp2 is running. ${movedMountNotes(vm.mounts)[0]}`);
  assert.equal(successText(job, { mounts: [{ location: homedir(), mountPoint: homedir(), writable: false }] }), "sp2 is running.");
});
