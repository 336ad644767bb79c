// Images through the real helper process: the flake's images listed with the real nix, a build
// job of a fixture flake (no nixpkgs) with its progress, its install into LIMA_HOME/_images
// pushed to every window, a failing build's log tail, cancel, and deleting an image.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { Requests, type Job, type JobTick, type JobLogLine, type StoredImage } from "../../src/protocol";
import { request } from "../../src/rpc";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";
import { fixtures, tempNix, type TempNix } from "../nix/nixEnv";

const flake = `path:${join(fixtures, "job-flake")}`;
const hostSystem = process.arch === "arm64" ? "aarch64-linux" : "x86_64-linux";
const foreignSystem = process.arch === "arm64" ? "x86_64-linux" : "aarch64-linux";
const home = tempLimaHome();
let nix: TempNix;
let helper: HelperProcess;
let conn: MessageConnection;
let events: Recorder;

before(async () => {
  // The helper runs nix with its own environment: a throw-away store whose machine has kvm
  // (the builder check asks for it; the fixture images do not use it).
  nix = tempNix(["system-features = benchmark big-parallel kvm"]);
  for (const key of ["NIX_CONF_DIR", "NIX_USER_CONF_FILES", "XDG_CACHE_HOME", "NIX_STORE_DIR", "NIX_STATE_DIR", "NIX_LOG_DIR"]) process.env[key] = nix.env[key];
  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
  events = new Recorder(conn);
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  home.dispose();
  nix?.dispose();
});

const ended = (id: string, timeoutMs = 60_000) => events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", timeoutMs);
const progressOf = (id: string) =>
  events.seen.filter((n) => n.method === "jobs/progress" && (n.params as JobTick).id === id).map((n) => (n.params as JobTick).progress);
const logOf = (id: string) =>
  events.seen.filter((n) => n.method === "jobs/log" && (n.params as JobLogLine).id === id).map((n) => (n.params as JobLogLine).line);

/** Processes whose command line contains `marker`, or that are nix children of the helper. */
function leftovers(marker: string, helperPid: number): string[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return cmdline.includes(marker) || (ppid === helperPid && stat.includes("(nix)")) ? [`${pid}: ${cmdline.replace(/\0/g, " ")}`] : [];
      } catch {
        return [];
      }
    });
}

test("no images yet; the flake's images are listed by the real nix", async () => {
  assert.deepEqual(await request(conn, Requests.imagesList, {}), []);
  const listed = await request(conn, Requests.flakeImages, { flake });
  assert.equal(listed.flake, flake);
  assert.deepEqual(
    listed.images.map((i) => i.image),
    ["failing", "slow", "tiny"],
  );
});

test("a build job reports progress in order, installs the image, and every window hears of it", async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "build", build: { image: "tiny", system: hostSystem, flake } });
  const done = await ended(job.id);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
  const stages = progressOf(job.id)
    .map((p) => p.stage)
    .filter((s, i, all) => s !== all[i - 1]);
  assert.deepEqual(stages.filter((s) => s !== "Queued").slice(0, 2), ["checking builders", "evaluating"]);
  assert.deepEqual(stages.slice(-2), ["installing", "done"]);
  assert.ok(stages.includes("building"), stages.join(" → "));
  const messages = progressOf(job.id).map((p) => p.message ?? "");
  assert.ok(messages.some((m) => /building tiny-image \(installPhase\)/.test(m)), messages.join("\n"));
  assert.match(done.progress.message ?? "", new RegExp(`^Built tiny for ${hostSystem}: ${home.dir}/_images/nixlima-tiny-`));

  const { images: pushed } = await events.waitFor<{ images: StoredImage[] }>("images/changed", ({ images }) => images.length === 1, 5000);
  assert.equal(pushed[0]!.image, "tiny");
  assert.equal(pushed[0]!.latest, true);
  assert.ok(existsSync(pushed[0]!.path));
  assert.deepEqual(await request(conn, Requests.imagesList, {}), pushed);
});

test("a failing build fails the job with a clear error, and its last lines are in the job's log", async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "build", build: { image: "failing", system: hostSystem, flake } });
  const done = await ended(job.id);
  assert.equal(done.state, "failed");
  assert.match(done.error?.message ?? "", /^Building failing-image failed: builder for '.*-failing-image\.drv' failed with exit code 3\.$/);
  const log = logOf(job.id);
  const tailStart = log.findIndex((l) => /^--- last 200 log lines of failing-image/.test(l));
  assert.ok(tailStart >= 0, log.join("\n"));
  assert.equal(log[tailStart + 1], "failing line 102");
  assert.ok(log.includes("the end: giving up"));
});

test("one build of an image at a time; cancel stops it and leaves no nix process", async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "build", build: { image: "slow", system: hostSystem, flake } });
  await events.waitFor<JobTick>("jobs/progress", (j) => j.id === job.id && /building slow-image/.test(j.progress.message ?? ""), 60_000);
  await assert.rejects(
    request(conn, Requests.jobsStart, { kind: "build", build: { image: "slow", flake } }),
    /Image "slow" is busy with a build job/,
  );
  assert.equal((await request(conn, Requests.jobsCancel, { id: job.id })).cancelled, true);
  const done = await ended(job.id, 30_000);
  assert.equal(done.state, "cancelled");
  assert.deepEqual(leftovers("nixlima-slow-image-fixture", helper.child.pid!), []);
});

test("a system no builder here can build is refused with the ways to get one", async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "build", build: { image: "tiny", system: foreignSystem, flake } });
  const done = await ended(job.id);
  assert.equal(done.state, "failed");
  assert.match(done.error?.message ?? "", new RegExp(`^No Nix builder here can build ${foreignSystem} with the kvm feature: .*remote Linux machine`));
  assert.ok(!progressOf(job.id).some((p) => p.stage === "evaluating"), "nix build never ran");
});

test("deleting an image removes its file and latest link, and is pushed", async () => {
  // Its own image, so this test needs no earlier build.
  const job = await request(conn, Requests.jobsStart, { kind: "build", build: { image: "tiny", system: hostSystem, flake } });
  assert.equal((await ended(job.id)).state, "succeeded");
  const [image] = await request(conn, Requests.imagesList, {});
  assert.ok(image);
  events.clear();
  assert.deepEqual(await request(conn, Requests.imagesDelete, { path: image.path }), []);
  await events.waitFor<{ images: StoredImage[] }>("images/changed", ({ images }) => images.length === 0, 5000);
  assert.deepEqual(readdirSync(join(home.dir, "_images")), []);
});
