// Host capacity rules and the bounded pool, without VMs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkFleetFits, defaultConcurrency } from "../../src/fleet/capacity";
import { fleetNames, fleetSummary, groupFleets } from "../../src/shared/fleetMembers";
import { mapLimit, runPool } from "../../src/proc/pool";
import type { Vm } from "../../src/protocol";

const GiB = 1024 ** 3;
const host = { cpus: 8, totalMemBytes: 32 * GiB, freeMemBytes: 20 * GiB };

test("default concurrency: one per CPU, within free memory, at least one, at most the count", () => {
  assert.equal(defaultConcurrency(10, 4 * GiB, host), 5);
  assert.equal(defaultConcurrency(10, 1 * GiB, host), 8);
  assert.equal(defaultConcurrency(3, 1 * GiB, host), 3);
  assert.equal(defaultConcurrency(3, 64 * GiB, host), 1);
});

test("a fleet fits when its total memory is within the host's", () => {
  checkFleetFits(4, 8 * GiB, host);
  assert.throws(() => checkFleetFits(5, 8 * GiB, host), /5 VMs of 8 GiB need 40 GiB of memory, more than this host's 32 GiB\./);
});

test("names are PREFIX-1..N and checked; fleets of two or more group by prefix", () => {
  assert.deepEqual(fleetNames("a", 3), ["a-1", "a-2", "a-3"]);
  assert.throws(() => fleetNames("a_", 2), /not a valid VM name/);
  const vm = (name: string, status: Vm["status"]): Vm => ({ name, status, dir: "", hostname: "", mounts: [], portForwards: [], protected: false, errors: [] });
  const vms = [vm("w-10", "Running"), vm("w-2", "Stopped"), vm("solo", "Running"), vm("w-x-1", "Broken"), { ...vm("w-x-2", "Broken"), dir: "/l/w-x-2" }, vm("lone-1", "Running")];
  const { fleets, loose } = groupFleets(vms);
  assert.deepEqual(fleets.map(fleetSummary), [
    { prefix: "w", vms: ["w-2", "w-10"], running: 1, stopped: 1, broken: 0 },
    { prefix: "w-x", vms: ["w-x-1", "w-x-2"], running: 0, stopped: 0, broken: 1 },
  ]);
  assert.deepEqual(loose.map((v) => v.name), ["solo", "lone-1"]);
});

test("runPool keeps at most `limit` tasks running and runs every task despite failures", async () => {
  let active = 0;
  let peak = 0;
  const outcomes = await runPool([1, 2, 3, 4, 5, 6], 3, async (n) => {
    peak = Math.max(peak, ++active);
    await new Promise((r) => setTimeout(r, 10));
    active--;
    if (n === 2) throw new Error("two fails");
    return n * 10;
  });
  assert.equal(peak, 3);
  assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : String(o.error))), [10, "Error: two fails", 30, 40, 50, 60]);
});

test("runPool with firstAlone finishes the first task before any other starts", async () => {
  const events: string[] = [];
  await runPool([1, 2, 3], 3, async (n) => {
    events.push(`start ${n}`);
    await new Promise((r) => setTimeout(r, 10));
    events.push(`end ${n}`);
  }, undefined, { firstAlone: true });
  assert.deepEqual(events.slice(0, 2), ["start 1", "end 1"]);
  assert.equal(events.length, 6);
});

test("mapLimit gives every value in order, or the first failure after all have run", async () => {
  let ran = 0;
  assert.deepEqual(await mapLimit([3, 1, 2], 2, async (n) => (ran++, n * 2)), [6, 2, 4]);
  assert.equal(ran, 3);
  ran = 0;
  await assert.rejects(mapLimit([1, 2, 3], 2, async (n) => { ran++; if (n === 1) throw new Error("one fails"); return n; }), /one fails/);
  assert.equal(ran, 3, "the others still ran");
});
