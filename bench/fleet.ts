// `npm run bench fleet` (not part of the default run, nor CI): creates and starts a fleet of 4
// real test VMs (QEMU under TCG) through nixlima's fleet code, first with the default
// concurrency, then one after another, and prints the ratio and the peak host memory in use.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { createFleet, deleteFleet } from "../helper/src/fleet/fleet";
import { Limactl } from "../helper/src/lima/limactl";
import type { FleetResult } from "../helper/src/protocol";
import { limactlPath, qemuEnv, tempLimaHome } from "../test/support/lima";
import { testVmConfig } from "../test/support/testVm";
import { destroyInstance } from "../test/support/testVmRun";
import { report } from "./stats";

const COUNT = 4;
const GiB = 1024 ** 3;
const quiet = { progress: () => undefined, log: () => undefined };

/** Host memory in use (MemTotal − MemAvailable), sampled every 200 ms; returns the peak. */
function memorySampler(): { stop(): number } {
  const used = () => {
    const m = Object.fromEntries(
      readFileSync("/proc/meminfo", "utf8").split("\n").map((l) => l.split(/:\s+/)).filter((p) => p.length === 2).map(([k, v]) => [k, Number.parseInt(v!, 10) * 1024]),
    );
    return m.MemTotal! - m.MemAvailable!;
  };
  let peak = used();
  const timer = setInterval(() => (peak = Math.max(peak, used())), 200);
  return { stop: () => (clearInterval(timer), peak) };
}

async function run(l: Limactl, home: string, prefix: string, template: string, concurrency?: number) {
  const before = memorySampler().stop();
  const sampler = memorySampler();
  let result: FleetResult;
  let peak: number;
  try {
    result = await createFleet(l, { prefix, count: COUNT, template, start: true, ...(concurrency ? { concurrency } : {}) }, quiet, new AbortController().signal);
  } finally {
    peak = sampler.stop();
    await deleteFleet(l, prefix, true, quiet, new AbortController().signal).catch(() => undefined);
    for (let i = 1; i <= COUNT; i++) await destroyInstance(home, `${prefix}-${i}`);
  }
  // After the finally: a createFleet that threw must fail the bench, not report 0 s.
  const failed = result.members.filter((m) => !m.ok);
  if (failed.length > 0) throw new Error(`fleet ${prefix}: ${failed.map((m) => `${m.vm}: ${m.error?.message}`).join("; ")}`);
  return { seconds: result.durationMs / 1000, concurrency: result.concurrency, peakGiB: (peak - before) / GiB };
}

export async function benchFleet(): Promise<void> {
  const home = tempLimaHome();
  try {
    const l = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...process.env, ...qemuEnv });
    const template = join(home.dir, "testvm.yaml");
    writeFileSync(template, stringify(testVmConfig({})));
    const parallel = await run(l, home.dir, "bp", template);
    const serial = await run(l, home.dir, "bs", template, 1);
    report(`Fleet of ${COUNT} test VMs, create + start to READY (TCG)`, {
      [`default concurrency (${parallel.concurrency} at a time), s`]: parallel.seconds,
      "one after another, s": serial.seconds,
      "speed-up (serial / default)": serial.seconds / parallel.seconds,
      "peak extra host memory, default, GiB": parallel.peakGiB,
      "peak extra host memory, serial, GiB": serial.peakGiB,
    });
  } finally {
    home.dispose();
  }
}
