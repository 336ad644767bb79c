// Fleets against the real limactl with never-booting instances (the image is /etc/profile):
// create, list and delete; bounded concurrency; the memory refusal; one failure (a name that is
// already taken) does not stop the others and is reported.
import assert from "node:assert/strict";
import { totalmem } from "node:os";
import { after, before, test } from "node:test";
import { createFleet } from "../../src/fleet/fleet";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import { Fleet, FleetResult } from "../../src/protocol";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { createDummy } from "../../../test/support/dummies";
import { nixlima } from "../audit/cliHarness";

const lima = tempLimaHome();
after(() => lima.dispose());
let l: Limactl;
const FIXTURE = ["--template", "agent", "--preset", "light", "--no-start", "--image", "/etc/profile"];

before(async () => {
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
});

const names = async () => (await listVms(l)).map((vm) => vm.name).sort();

test("fleet create makes PREFIX-1..N, fleet list groups them, fleet delete removes them all", async () => {
  const r = await nixlima(lima.dir, ["fleet", "create", "fx", "--count", "3", ...FIXTURE, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const result = FleetResult.parse(JSON.parse(r.stdout));
  assert.deepEqual(result.members.map((m) => [m.vm, m.ok]), [["fx-1", true], ["fx-2", true], ["fx-3", true]]);
  assert.match(r.stderr, /^ {2}fx-2: Created: fx-2/m);
  // Each member says when the fleet is done with it, so a window stops showing it as busy.
  for (const vm of ["fx-1", "fx-2", "fx-3"]) assert.match(r.stderr, new RegExp(`^ {2}${vm}: Done \\[100%\\]`, "m"));
  assert.match(r.stderr, /Creating fleet fx: 3 of 3 done/);

  createDummy(lima.dir, "loner");
  const list = await nixlima(lima.dir, ["fleet", "list", "--json"]);
  assert.deepEqual(Fleet.array().parse(JSON.parse(list.stdout)), [{ prefix: "fx", vms: ["fx-1", "fx-2", "fx-3"], running: 0, stopped: 3, broken: 0 }]);
  assert.match((await nixlima(lima.dir, ["fleet", "list"])).stdout, /^FLEET +VMS +RUNNING +STOPPED +BROKEN\nfx +3 +0 +3 +0$/m);

  const stop = await nixlima(lima.dir, ["fleet", "stop", "fx"]);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /No VM of fleet `fx` is running/);

  const del = await nixlima(lima.dir, ["fleet", "delete", "fx"]);
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /Fleet fx: 3 of 3 deleted/);
  assert.deepEqual(await names(), ["loner"]);
  const again = await nixlima(lima.dir, ["fleet", "delete", "fx"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /There is no fleet `fx`/);
});

test("a name already taken fails that VM only; the others are created and the summary says so", async () => {
  createDummy(lima.dir, "fy-2");
  const r = await nixlima(lima.dir, ["fleet", "create", "fy", "--count", "3", ...FIXTURE, "--concurrency", "3"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^✓ fy-1 /m);
  assert.match(r.stdout, /^✗ fy-2 .*A VM named `fy-2` already exists\./m);
  assert.match(r.stdout, /^✓ fy-3 /m);
  assert.match(r.stdout, /Fleet fy: 2 of 3 created .*; 1 failed\./);
  // The VM that was there before is untouched.
  assert.deepEqual(await names(), ["fy-1", "fy-2", "fy-3", "loner"]);
  assert.equal((await nixlima(lima.dir, ["fleet", "delete", "fy"])).code, 0);
});

test("a fleet that cannot fit in the host's memory is refused before anything is created", async () => {
  const count = Math.floor(totalmem() / (8 * 1024 ** 3)) + 1;
  const r = await nixlima(lima.dir, ["fleet", "create", "fz", "--count", String(count), "--template", "agent", "--preset", "heavy", "--no-start", "--image", "/etc/profile"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^nixlima: ${count} VMs of 8 GiB need ${count * 8} GiB of memory, more than this host's [\\d.]+ GiB\\.\\nhint: `));
  assert.deepEqual(await names(), ["loner"]);
});

test("concurrency is bounded: with 2 at a time, never 3 VMs are being created at once", async () => {
  let active = 0;
  let peak = 0;
  const result = await createFleet(
    l,
    { prefix: "fw", count: 4, template: "agent", preset: "light", concurrency: 2, start: false },
    {
      progress: () => undefined,
      log: () => undefined,
      member: (_vm, p) => {
        if (p.stage === "Checking the template") peak = Math.max(peak, ++active);
        if (p.stage === "Created") active--;
      },
    },
    new AbortController().signal,
    { image: "/etc/profile" },
  );
  assert.equal(result.concurrency, 2);
  assert.deepEqual(result.members.map((m) => [m.vm, m.ok]), [["fw-1", true], ["fw-2", true], ["fw-3", true], ["fw-4", true]]);
  assert.equal(peak, 2);
  assert.equal((await nixlima(lima.dir, ["fleet", "delete", "fw"])).code, 0);
});

test("usage errors: bad prefix, missing count, unknown preset or action", async () => {
  assert.equal((await nixlima(lima.dir, ["fleet", "create", "bad prefix", "--count", "2"])).code, 2);
  assert.equal((await nixlima(lima.dir, ["fleet", "create", "ok"])).code, 2);
  assert.equal((await nixlima(lima.dir, ["fleet", "create", "ok", "--count", "0"])).code, 2);
  assert.equal((await nixlima(lima.dir, ["fleet", "create", "ok", "--count", "2", "--preset", "huge"])).code, 2);
  assert.equal((await nixlima(lima.dir, ["fleet", "explode", "ok"])).code, 2);
  assert.deepEqual(await names(), ["loner"]);
});
