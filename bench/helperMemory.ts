// The helper's resident memory (RSS, the built bundle on plain Node): idle with no VM, and
// with 100 never-booted instances listed and watched, each after a settle and a refresh.
import { Requests } from "../helper/src/protocol";
import { request } from "../helper/src/rpc";
import { createDummies } from "../test/support/dummies";
import { tempLimaHome } from "../test/support/lima";
import { connectCounting, startBuiltHelper } from "./helperRun";
import { report } from "./stats";

/** RSS after `settleMs` with a window connected and one refresh done. */
async function settledRss(instances: number, settleMs: number): Promise<number> {
  const home = tempLimaHome();
  try {
    if (instances > 0) createDummies(home.dir, instances);
    const helper = await startBuiltHelper(home.dir);
    try {
      const { conn } = await connectCounting(helper.socket);
      const snapshot = await request(conn, Requests.vmsList, {});
      const listed = snapshot.ok ? snapshot.vms.length : -1;
      if (listed !== instances) throw new Error(`the helper listed ${listed} VMs, not ${instances}`);
      await new Promise((r) => setTimeout(r, settleMs));
      await request(conn, Requests.vmsList, {});
      const rss = helper.rssMiB();
      conn.dispose();
      return rss;
    } finally {
      await helper.stop();
    }
  } finally {
    home.dispose();
  }
}

export async function benchHelperMemory(settleMs = 5_000): Promise<void> {
  const idle = await settledRss(0, settleMs);
  const hundred = await settledRss(100, settleMs);
  report("helper memory (RSS of dist/helper.js)", {
    "idle, no VM (MiB)": idle,
    "100 VMs listed and watched (MiB)": hundred,
    "100 VMs / idle (ratio)": hundred / idle,
  });
}
