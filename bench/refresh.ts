// Tree refresh with 100 instances: how many `limactl list` processes a refresh costs, and how
// long the helper and the protocol add on top of limactl itself.
import { execFileSync } from "node:child_process";
import { Requests } from "../helper/src/protocol";
import { LIST_FORMAT, parseList } from "../helper/src/lima/list";
import { request } from "../helper/src/rpc";
import { startHelper } from "../test/support/helperProcess";
import { limactlPath, tempLimaHome } from "../test/support/lima";
import { countingLimactl } from "../test/support/countingLimactl";
import { createDummies } from "../test/support/dummies";
import { median, report, timeMs } from "./stats";

export async function benchRefresh(instances = 100): Promise<void> {
  const home = tempLimaHome();
  try {
    const created = await timeMs(() => createDummies(home.dir, instances));
    const env = { ...process.env, LIMA_HOME: home.dir };
    // The same command the helper runs, so the difference is the helper's own cost.
    const listArgs = ["--tty=false", "--log-format", "json", "list", "--format", LIST_FORMAT];
    const raw = execFileSync(limactlPath, listArgs, { env, encoding: "utf8", maxBuffer: 64 << 20 });
    const direct: number[] = [];
    for (let i = 0; i < 5; i++) direct.push(await timeMs(() => execFileSync(limactlPath, listArgs, { env, maxBuffer: 64 << 20 })));
    const parse: number[] = [];
    for (let i = 0; i < 20; i++) parse.push(await timeMs(() => parseList(raw)));

    const counter = countingLimactl(home.dir);
    const helper = await startHelper(home.dir, ["--limactl", counter.path]);
    try {
      const client = await helper.connectClient();
      await request(client, Requests.vmsList, {}); // warm: limactl located, first list done
      counter.reset();
      const viaHelper: number[] = [];
      for (let i = 0; i < 10; i++) viaHelper.push(await timeMs(() => request(client, Requests.vmsList, {})));
      const sequentialLists = counter.count("list");
      counter.reset();
      await Promise.all(Array.from({ length: 10 }, () => request(client, Requests.vmsList, {})));
      const burstLists = counter.count("list");
      client.dispose();
      report(`refresh with ${instances} instances`, {
        "creating the instances (s)": created / 1000,
        "limactl list alone (ms, median of 5)": median(direct),
        "parse + validate its output (ms, median of 20)": median(parse),
        "refresh through the helper (ms, median of 10)": median(viaHelper),
        "helper + protocol overhead (ms)": median(viaHelper) - median(direct),
        "limactl list processes for 10 refreshes": sequentialLists,
        "limactl list processes for 10 refreshes at once": burstLists,
      });
    } finally {
      await helper.stop();
    }
  } finally {
    home.dispose();
  }
}
