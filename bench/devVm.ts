// Persistent dev VM / agent sandbox numbers on the real test guest: Fork of a prepared stopped VM
// to READY against create + first start of the same config (a ratio within one run), and how long
// a snapshot create and apply take on the running guest.
import { stringify } from "yaml";
import { Limactl } from "../helper/src/lima/limactl";
import { startVm, type Reporter } from "../helper/src/lima/operations";
import { snapshotJob } from "../helper/src/lima/snapshots";
import { forkVm } from "../helper/src/lima/vmOps";
import { limactlPath, qemuEnv, tempLimaHome } from "../test/support/lima";
import { testVmConfig } from "../test/support/testVm";
import { destroyInstance, limactl } from "../test/support/testVmRun";
import { report, timeMs } from "./stats";

const quiet: Reporter = { progress: () => undefined, log: () => undefined };
const never = new AbortController().signal;

export async function benchDevVm(): Promise<void> {
  const home = tempLimaHome();
  const yaml = stringify(testVmConfig({}));
  const names = ["bench-tpl", "bench-fork", "bench-fresh"];
  try {
    const l = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...process.env, ...qemuEnv });
    // The prepared sandbox: created, booted once (first-boot work done), stopped.
    await limactl(home.dir, ["create", "--name", "bench-tpl", "-"], { input: yaml });
    await startVm(l, "bench-tpl", quiet, never);
    await limactl(home.dir, ["stop", "bench-tpl"], { timeoutMs: 180_000 });

    const fork = await timeMs(() => forkVm(l, "bench-tpl", "bench-fork", quiet, never));
    await limactl(home.dir, ["stop", "bench-fork"], { timeoutMs: 180_000 });
    const fresh = await timeMs(async () => {
      await limactl(home.dir, ["create", "--name", "bench-fresh", "-"], { input: yaml });
      await startVm(l, "bench-fresh", quiet, never);
    });
    const save = await timeMs(() => snapshotJob(l, "bench-fresh", { action: "create", tag: "bench" }, quiet, never));
    const apply = await timeMs(() => snapshotJob(l, "bench-fresh", { action: "apply", tag: "bench" }, quiet, never));
    report("dev VM operations, test guest under TCG (one round each)", {
      "fork of a prepared stopped VM to READY (s)": fork / 1000,
      "create + first start to READY (s)": fresh / 1000,
      "fork / create+start": fork / fresh,
      "snapshot create, running guest (s)": save / 1000,
      "reset to checkpoint of the running guest: stop, apply, start (s)": apply / 1000,
    });
  } finally {
    for (const name of names) await destroyInstance(home.dir, name);
    home.dispose();
  }
}
