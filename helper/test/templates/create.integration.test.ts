// createVm against the real limactl (behind a wrapper that records every call) in a temporary
// LIMA_HOME: real instances from the templates, every bad input refused before `limactl create`,
// Lima's own failures mapped, and a failed or cancelled create leaving no instance behind.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { NixlimaError } from "../../src/errors";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import type { Reporter } from "../../src/lima/operations";
import { hostLinuxSystem } from "../../src/shared/arch";
import { archOfSystem } from "../../src/shared/arch";
import type { Progress } from "../../src/protocol";
import { createVm, type CreateRequest } from "../../src/templates/create";
import { countingLimactl } from "../lima/support/countingLimactl";
import { qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { startStallingImageServer } from "../../../test/support/stallingImageServer";

const home = tempLimaHome();
const side = tempLimaHome(); // the wrapper, caches and project folders: not inside LIMA_HOME
after(() => {
  home.dispose();
  side.dispose();
});
const counting = countingLimactl(side.dir);
const project = join(side.dir, "project");
mkdirSync(project);
let l: Limactl;
before(async () => {
  // Lima's download cache goes to a temporary folder, not the test user's ~/.cache.
  const env = { ...process.env, ...qemuEnv, XDG_CACHE_HOME: join(side.dir, "cache"), NO_PROXY: "127.0.0.1", no_proxy: "127.0.0.1" };
  l = await Limactl.locate({ path: counting.path, limaHome: home.dir }, env);
});

function recorder(): Reporter & { stages: Progress[]; lines: string[] } {
  const stages: Progress[] = [];
  const lines: string[] = [];
  return { stages, lines, progress: (p) => stages.push(p), log: (line) => lines.push(line) };
}

const creates = () => counting.calls().filter((argv) => argv.includes("create")).length;
const tiny: Partial<CreateRequest> = { image: "/etc/profile", diskGiB: 0.001, memoryGiB: 0.5 };

async function failure(name: string, opts: CreateRequest): Promise<NixlimaError> {
  const r = recorder();
  try {
    await createVm(l, name, opts, r, new AbortController().signal);
  } catch (err) {
    assert.ok(err instanceof NixlimaError, String(err));
    assert.doesNotMatch(err.message, /\n/, "one line");
    return err;
  }
  return assert.fail(`creating ${name} should have failed`);
}

test("creates a real instance from the dev template with the asked resources and mount", async () => {
  const r = recorder();
  await createVm(l, "dev1", { template: "dev", ...tiny, cpus: 3, mounts: [{ location: project, writable: true }] }, r, new AbortController().signal);
  const [vm] = (await listVms(l)).filter((v) => v.name === "dev1");
  assert.equal(vm?.status, "Stopped");
  assert.equal(vm?.cpus, 3);
  assert.equal(vm?.memoryBytes, 512 * 1024 ** 2);
  assert.deepEqual(vm?.mounts, [{ location: project, mountPoint: project, writable: true }]);
  assert.equal(vm?.forwardAgent, true, "the rest of the dev template is kept");
  const yaml = readFileSync(join(home.dir, "dev1", "lima.yaml"), "utf8");
  assert.match(yaml, /^# nixlima template "dev": /, "the header comment survives, so rebuild knows the template");
  assert.deepEqual(parse(yaml).images, [{ location: "/etc/profile" }]);
  assert.deepEqual(
    r.stages.map((s) => s.stage).filter((s, i, all) => all.indexOf(s) === i),
    ["Checking the template", "Validating", "Creating", "Downloading the image", "Image ready", "Resizing the disk", "Created"],
  );
  assert.ok(r.lines.some((line) => /limactl .*create --name dev1 -$/.test(line)), r.lines.join("\n"));
});

test("every bad input is refused before limactl create runs, and leaves no instance", async () => {
  const broken = join(side.dir, "broken.yaml");
  writeFileSync(broken, "images:\n- location: /etc/profile\n  location: /etc/hostname\n");
  const cases: [string, string, CreateRequest, string, RegExp][] = [
    ["invalid name", "bad..name", { template: "minimal", ...tiny }, "invalid-name", /not a valid VM name/],
    ["unknown template", "t1", { template: "maximal", ...tiny }, "not-found", /no template named "maximal"; the templates are minimal, dev, agent/],
    ["YAML error", "t2", { template: broken, ...tiny }, "failed", new RegExp(`${broken} has a YAML error at line 3, column \\d+`)],
    ["missing image", "t3", { template: "minimal", ...tiny, image: join(side.dir, "no.qcow2") }, "not-found", /image .*no\.qcow2 does not exist/],
    ["duplicate name", "dev1", { template: "minimal", ...tiny }, "already-exists", /A VM named `dev1` already exists/],
    ["missing mount", "t4", { template: "dev", ...tiny, mounts: [{ location: join(side.dir, "gone"), writable: true }] }, "not-found", /gone to mount does not exist/],
    ["writable home", "t5", { template: "dev", ...tiny, mounts: [{ location: "~", writable: true }] }, "failed", /home folder/],
    ["bad number", "t6", { template: "minimal", ...tiny, cpus: -2 }, "usage", /positive whole number/],
  ];
  const before = creates();
  for (const [what, name, opts, code, message] of cases) {
    const err = await failure(name, opts);
    assert.equal(err.code, code, `${what}: ${err.message}`);
    assert.match(err.message, message, what);
    if (name !== "dev1") assert.equal(existsSync(join(home.dir, name)), false, `${what}: no instance folder`);
  }
  assert.equal(creates(), before, "no limactl create ran");
  assert.equal((await listVms(l)).find((v) => v.name === "dev1")?.status, "Stopped", "the existing VM is untouched");
});

test("what Lima's validate rejects is reported, before limactl create", async () => {
  const file = join(side.dir, "badtype.yaml");
  writeFileSync(file, "# my template\nvmType: teleport\nimages: [{location: /etc/profile}]\n");
  const before = creates();
  const err = await failure("v1", { template: file, diskGiB: 0.001 });
  assert.match(err.message, new RegExp(`^Lima rejects the template ${file}: .*teleport`));
  assert.equal(creates(), before);
  assert.equal(existsSync(join(home.dir, "v1")), false);
});

test("a digest mismatch is one clear sentence, and the half-made instance is deleted", async () => {
  const file = join(side.dir, "digest.yaml");
  writeFileSync(file, `images:\n- location: /etc/profile\n  digest: "sha256:${"0".repeat(64)}"\ndisk: 1M\ncontainerd: {system: false, user: false}\n`);
  const before = creates();
  const err = await failure("dg1", { template: file });
  assert.equal(err.code, "failed");
  assert.match(err.message, new RegExp(`^The image /etc/profile does not match the digest in ${file} \\(expected sha256:0{64}, got sha256:[0-9a-f]{64}\\)\\.$`));
  assert.match(err.hint ?? "", /digest:/);
  assert.equal(creates(), before + 1, "limactl create ran and failed");
  assert.ok(counting.calls().some((argv) => argv.includes("delete") && argv.includes("dg1")), "cleaned up with limactl delete");
  assert.equal(existsSync(join(home.dir, "dg1")), false, "no half-made instance");
  assert.equal((await listVms(l)).some((v) => v.name === "dg1"), false);
});

test("a disk smaller than the image is explained, and cleaned up", async () => {
  const err = await failure("sh1", { template: "minimal", image: "/etc/profile", diskGiB: 1e-7 });
  assert.equal(err.message, "The disk size asked for `sh1` is smaller than its image.");
  assert.equal(existsSync(join(home.dir, "sh1")), false);
});

test("the newest image the user built for the template is what Lima creates the VM from", async () => {
  const arch = archOfSystem(hostLinuxSystem());
  const images = join(home.dir, "_images");
  mkdirSync(images, { recursive: true });
  const built = join(images, `nixlima-minimal-${arch}-20260301.qcow2`);
  writeFileSync(built, Buffer.alloc(64 * 1024, 7)); // a real small (raw) disk image
  symlinkSync(`nixlima-minimal-${arch}-20260301.qcow2`, join(images, `nixlima-minimal-${arch}-latest.qcow2`));
  const r = recorder();
  await createVm(l, "built1", { template: "minimal", diskGiB: 0.001, memoryGiB: 0.5 }, r, new AbortController().signal);
  const y = parse(readFileSync(join(home.dir, "built1", "lima.yaml"), "utf8"));
  assert.deepEqual(y.images[0], { location: built, arch });
  assert.equal(y.images.length, 3, "the published images follow as the fallback");
  assert.ok(r.lines.includes(`Downloaded the image from \`${built}\``), r.lines.join("\n"));
  assert.equal((await listVms(l)).find((v) => v.name === "built1")?.status, "Stopped");
});

test("cancel during the image download kills limactl create and deletes the half-made instance", async () => {
  const server = await startStallingImageServer();
  const url = server.url;
  const ac = new AbortController();
  const r = recorder();
  const dir = join(home.dir, "cx1");
  try {
    const created = createVm(l, "cx1", { template: "agent", image: url, diskGiB: 0.001 }, r, ac.signal);
    const outcome = created.then(
      () => undefined,
      (err: unknown) => err,
    );
    const deadline = Date.now() + 30_000;
    while (!(server.requests() > 0 && existsSync(join(dir, "lima.yaml")) && r.stages.some((s) => s.stage === "Downloading the image"))) {
      if (Date.now() > deadline) assert.fail(`the download never started: ${r.lines.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cancelledAt = Date.now();
    ac.abort();
    const err = await outcome;
    assert.ok(err instanceof NixlimaError && err.code === "cancelled", String(err));
    assert.ok(Date.now() - cancelledAt < 15_000, "cancel ends the create promptly");
    assert.ok(r.stages.some((s) => s.stage === "Cleaning up"));
    assert.equal(existsSync(dir), false, "no half-made instance folder");
    assert.equal((await listVms(l)).some((v) => v.name === "cx1"), false);
    assert.equal(counting.calls().filter((argv) => argv.includes("create") && argv.includes("cx1")).length, 1);
  } finally {
    server.close();
  }
});
