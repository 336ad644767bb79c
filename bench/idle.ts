// Idle cost: limactl processes the helper starts while nothing changes, with a VM whose log
// files are being written (as a running VM's are) — the goal is none.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { Requests } from "../helper/src/protocol";
import { request } from "../helper/src/rpc";
import { createDummy } from "../test/support/dummies";
import { startHelper } from "../test/support/helperProcess";
import { tempLimaHome } from "../test/support/lima";
import { countingLimactl } from "../test/support/countingLimactl";
import { report } from "./stats";

export async function benchIdle(seconds = 30): Promise<void> {
  const home = tempLimaHome();
  try {
    createDummy(home.dir, "idle");
    const counter = countingLimactl(home.dir);
    const helper = await startHelper(home.dir, ["--limactl", counter.path]);
    try {
      const client = await helper.connectClient();
      await request(client, Requests.vmsList, {});
      await new Promise((r) => setTimeout(r, 500)); // let the watcher's debounce settle
      counter.reset();
      const dir = join(home.dir, "idle");
      const writer = setInterval(() => {
        for (const f of ["ha.stdout.log", "ha.stderr.log", "serial.log"]) appendFileSync(join(dir, f), `${Date.now()}\n`);
      }, 100);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      clearInterval(writer);
      const calls = counter.count("list") + counter.count("info") + counter.count("--version");
      client.dispose();
      report("idle", {
        "observed seconds (log files written every 100 ms)": seconds,
        "limactl processes started per minute": (calls * 60) / seconds,
      });
    } finally {
      await helper.stop();
    }
  } finally {
    home.dispose();
  }
}
