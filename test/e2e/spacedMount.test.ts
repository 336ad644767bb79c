// A host folder with a space in its path, created and started through nixlima's own create
// (helper/src/templates/create.ts) on the Debian test guest, which cloud-init configures: Lima's
// user-data carries a mount point unquoted and cloud-init would split a spaced one into two
// fstab fields, so nixlima gives the folder a mount point without the space. Proven here: the
// folder is mounted (9p, as a cloud-init guest does it) where nixlima says, a file written on
// the host reads in the guest, and one written in the guest reads on the host.
// nixlima's own guest init with a spaced mount point is test/e2e/limaInit.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { Limactl } from "../../helper/src/lima/limactl";
import { inspectVm } from "../../helper/src/lima/operations";
import { createVm } from "../../helper/src/templates/create";
import { movedMountNotes } from "../../helper/src/shared/mountPoint";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, guestShell, instanceLogTail, secondsSince } from "../support/testVmRun";

const name = "e2e-spaced";
const home = tempLimaHome();
const host = mkdtempSync(join(tmpdir(), "nixlima-spaced-"));
const project = join(host, "My Projects", "app");
const expectedMountPoint = join(host, "My-Projects", "app");
let mountPoint = "";

before(async () => {
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "from-host"), "written on the host\n");
  const template = join(host, "test-guest.yaml");
  // cloud-init, the boot whose fstab a spaced mount point would break (lima-init escapes it).
  writeFileSync(template, stringify({ ...testVmConfig({}, { init: "cloud-init" }), mountType: "9p" }));
  const l = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...process.env, ...qemuEnv });
  const started = performance.now();
  try {
    await createVm(l, name, { template, mounts: [{ location: project, writable: true }], start: true }, { progress: () => {}, log: () => {} }, new AbortController().signal);
  } catch (err) {
    console.error(instanceLogTail(home.dir, name));
    throw err;
  }
  console.log(`spaced mount: test VM up in ${secondsSince(started)} s`);
  const vm = await inspectVm(l, name, undefined);
  mountPoint = vm.mounts.find((m) => m.location === project)?.mountPoint ?? "";
  console.log(movedMountNotes(vm.mounts).join("\n"));
});

after(async () => {
  await destroyInstance(home.dir, name);
  home.dispose();
  rmSync(host, { recursive: true, force: true });
});

const guest = (script: string) => guestShell(home.dir, name, script);

test("the spaced folder is mounted with 9p at the mount point nixlima chose, without the space", { timeout: 120_000 }, async () => {
  assert.equal(mountPoint, expectedMountPoint);
  const mounted = await guest(`findmnt -rn -o FSTYPE,OPTIONS ${mountPoint}`);
  assert.match(mounted, /^9p rw,/, mounted);
});

test("a file written on the host reads in the guest, and one written in the guest reads on the host", { timeout: 120_000 }, async () => {
  assert.equal(await guest(`cat ${mountPoint}/from-host`), "written on the host");
  await guest(`echo written in the guest > ${mountPoint}/from-guest`);
  assert.equal(readFileSync(join(project, "from-guest"), "utf8"), "written in the guest\n");
});
