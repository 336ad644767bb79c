// Start to READY of the real test guest through nixlima (the bundled CLI, dist/helper.js, which
// runs the same start code as the helper's jobs) against plain `limactl start`, alternating on
// one VM. Two ratios: of the medians (boots on a shared machine vary by more than 5 %), and of
// nixlima's own time on top of the limactl processes it ran, which boot noise does not touch.
import { execa } from "execa";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { limactlPath, repoRoot, tempLimaHome } from "../test/support/lima";
import { testVmConfig } from "../test/support/testVm";
import { destroyInstance, limactl, limaEnv } from "../test/support/testVmRun";
import { median, report, timeMs } from "./stats";

/** The real limactl behind a wrapper that logs each run's wall time in ms, one line per run. */
function timedLimactl(dir: string) {
  const log = join(dir, "limactl-times.log");
  const path = join(dir, "limactl-timed");
  writeFileSync(path, `#!/bin/sh\ns=$(date +%s%N)\n'${limactlPath}' "$@"\nrc=$?\necho $(( ($(date +%s%N) - s) / 1000000 )) >> '${log}'\nexit $rc\n`);
  chmodSync(path, 0o755);
  writeFileSync(log, "");
  return {
    path,
    /** Sum of the runs logged since the last call, in ms. */
    takeTotal(): number {
      const total = readFileSync(log, "utf8").split("\n").filter(Boolean).reduce((sum, ms) => sum + Number(ms), 0);
      writeFileSync(log, "");
      return total;
    },
  };
}

export async function benchStartReady(rounds = 3): Promise<void> {
  const home = tempLimaHome();
  const name = "bench-ready";
  const timed = timedLimactl(home.dir);
  const nixlima = (args: string[]) =>
    execa(process.execPath, [join(repoRoot, "dist/helper.js"), ...args], {
      cwd: repoRoot,
      env: { ...limaEnv(home.dir), NIXLIMA_LIMACTL: timed.path },
      stdin: "ignore",
      timeout: 15 * 60_000,
    });
  try {
    await limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig({})) });
    const plain: number[] = [];
    const through: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < rounds; i++) {
      plain.push(await timeMs(() => limactl(home.dir, ["start", name], { timeoutMs: 15 * 60_000 })));
      await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
      timed.takeTotal();
      const wall = await timeMs(() => nixlima(["start", name]));
      through.push(wall);
      overhead.push(wall - timed.takeTotal());
      await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
    }
    report(`start to READY, test guest under TCG (${rounds} rounds, alternating)`, {
      "plain limactl start (s, median)": median(plain) / 1000,
      "nixlima start (s, median)": median(through) / 1000,
      "nixlima / limactl, medians (goal within 1.05)": median(through) / median(plain),
      "nixlima's own time outside limactl (ms, median)": median(overhead),
      "(limactl + nixlima's own) / limactl": (median(plain) + median(overhead)) / median(plain),
    });
  } finally {
    await destroyInstance(home.dir, name);
    home.dispose();
  }
}
