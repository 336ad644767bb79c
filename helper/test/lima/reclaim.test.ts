// Reclaim Space's candidates from real folders and files: old stopped VMs (never protected or
// running ones), images that are not the latest, Lima's download cache, each with its size.
import assert from "node:assert/strict";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { clearLimaDownloadCache, limaDownloadCache, reclaimCandidates } from "../../src/lima/reclaim";
import type { StoredImage, Vm } from "../../src/protocol";
import { tempLimaHome } from "../../../test/support/lima";

const scratch = tempLimaHome();
after(() => scratch.dispose());
const DAY = 24 * 60 * 60_000;
const now = Date.now();

function vmDir(name: string, ageDays: number): string {
  const dir = join(scratch.dir, "lima", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ha.stderr.log"), "x".repeat(10_000));
  const t = (now - ageDays * DAY) / 1000;
  utimesSync(join(dir, "ha.stderr.log"), t, t);
  utimesSync(dir, t, t);
  return dir;
}

const vm = (name: string, over: Partial<Vm>): Vm => ({ name, status: "Stopped", dir: "", hostname: `lima-${name}`, mounts: [], portForwards: [], protected: false, errors: [], ...over });

test("old stopped VMs, old images and the download cache are offered with sizes; recent, running and protected VMs are not", () => {
  const env = { HOME: join(scratch.dir, "home"), XDG_CACHE_HOME: join(scratch.dir, "cache") };
  const vms = [
    vm("old", { dir: vmDir("old", 40), diskUsedBytes: 5 * 2 ** 30 }),
    vm("recent", { dir: vmDir("recent", 2) }),
    vm("oldrunning", { dir: vmDir("oldrunning", 40), status: "Running" }),
    vm("olddev", { dir: vmDir("olddev", 90), protected: true }),
  ];
  const img = (date: string, latest: boolean): StoredImage => {
    const path = join(scratch.dir, `nixlima-dev-x86_64-${date}.qcow2`);
    writeFileSync(path, "y".repeat(20_000));
    return { image: "dev", arch: "x86_64", date, path, sizeBytes: 20_000, modifiedAt: now, latest };
  };
  const cache = limaDownloadCache(env, "linux");
  mkdirSync(join(cache, "by-url-sha256", "abc"), { recursive: true });
  writeFileSync(join(cache, "by-url-sha256", "abc", "data"), "z".repeat(50_000));

  const items = reclaimCandidates({ vms, images: [img("20261101", false), img("20261120", true)], env, days: 30, now });
  assert.deepEqual(items.map((i) => [i.kind, i.label]), [["vm", "old"], ["image", "dev x86_64 20261101"], ["cache", "Lima's download cache"]]);
  assert.equal(items[0]!.sizeBytes, 5 * 2 ** 30);
  assert.match(items[0]!.detail, /not started for 40 days/);
  assert.ok(items[1]!.sizeBytes >= 20_000 && items[2]!.sizeBytes >= 50_000, JSON.stringify(items));

  clearLimaDownloadCache(env);
  assert.deepEqual(reclaimCandidates({ vms: [], images: [], env, days: 30, now }), []);
  assert.equal(limaDownloadCache({ HOME: "/Users/me" }, "darwin"), "/Users/me/Library/Caches/lima/download");
});
