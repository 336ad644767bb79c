// Start to READY of the real test guest through nixlima (the bundled CLI, dist/helper.js, which
// runs the same start code as the helper's jobs) against plain `limactl start`, alternating on
// one VM; a ratio of medians, because boots on a shared machine vary more than what is measured.
import { execa } from "execa";
import { join } from "node:path";
import { stringify } from "yaml";
import { limactlPath, repoRoot, tempLimaHome } from "../test/support/lima";
import { testVmConfig } from "../test/support/testVm";
import { destroyInstance, limactl, limaEnv } from "../test/support/testVmRun";
import { median, report, timeMs } from "./stats";

export async function benchStartReady(rounds = 3): Promise<void> {
  const home = tempLimaHome();
  const name = "bench-ready";
  const nixlima = (args: string[]) =>
    execa(process.execPath, [join(repoRoot, "dist/helper.js"), ...args], {
      cwd: repoRoot,
      env: { ...limaEnv(home.dir), NIXLIMA_LIMACTL: limactlPath },
      stdin: "ignore",
      timeout: 15 * 60_000,
    });
  try {
    await limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig({})) });
    const plain: number[] = [];
    const through: number[] = [];
    for (let i = 0; i < rounds; i++) {
      plain.push(await timeMs(() => limactl(home.dir, ["start", name], { timeoutMs: 15 * 60_000 })));
      await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
      through.push(await timeMs(() => nixlima(["start", name])));
      await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
    }
    report(`start to READY, test guest under TCG (${rounds} rounds, alternating)`, {
      "plain limactl start (s, median)": median(plain) / 1000,
      "nixlima start (s, median)": median(through) / 1000,
      "nixlima / limactl (goal within 1.05)": median(through) / median(plain),
    });
  } finally {
    await destroyInstance(home.dir, name);
    home.dispose();
  }
}
