// What a window receives while the real test guest starts through the helper: every message the
// helper sends on the socket, counted in bytes on the wire (header and body), per progress tick
// (jobs/progress), per whole job (jobs/changed: at the start and the end) and per log line
// (jobs/log). Boots one VM: only when asked.
import { stringify } from "yaml";
import { jobVm, Notifications, Requests, type Job } from "../helper/src/protocol";
import { request } from "../helper/src/rpc";
import { tempLimaHome } from "../test/support/lima";
import { testVmConfig } from "../test/support/testVm";
import { destroyInstance, limactl } from "../test/support/testVmRun";
import { connectCounting, startBuiltHelper } from "./helperRun";
import { median, report } from "./stats";

export async function benchProgressBytes(): Promise<void> {
  const home = tempLimaHome();
  const name = "bench-bytes";
  try {
    await limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig({})) });
    const helper = await startBuiltHelper(home.dir);
    try {
      const { conn, bytes } = await connectCounting(helper.socket);
      await request(conn, Requests.vmsList, {});
      const ended = new Promise<Job>((resolve) =>
        conn.onNotification(Notifications.jobChanged.method, (job: Job) => {
          if (jobVm(job.request) === name && job.state !== "running") resolve(job);
        }),
      );
      bytes.clear();
      const job = await request(conn, Requests.jobsStart, { kind: "start", vm: name });
      const done = await ended;
      if (done.state !== "succeeded") throw new Error(`the start ${done.state}: ${done.error?.message ?? ""}`);
      const ticks = bytes.get(Notifications.jobProgress.method) ?? [];
      const wholes = bytes.get(Notifications.jobChanged.method) ?? [];
      const logs = bytes.get(Notifications.jobLog.method) ?? [];
      const all = [...bytes.values()].flat();
      conn.dispose();
      report(`bytes sent to a window while ${name} starts (job ${job.id})`, {
        "progress ticks (jobs/progress messages)": ticks.length,
        "bytes per tick (median)": median(ticks),
        "bytes per tick (largest)": Math.max(...ticks),
        "whole jobs (jobs/changed messages)": wholes.length,
        "bytes per whole job (largest)": Math.max(...wholes),
        "log lines (jobs/log messages)": logs.length,
        "bytes per log line (median)": logs.length ? median(logs) : 0,
        "all messages during the start (KiB)": all.reduce((a, b) => a + b, 0) / 1024,
      });
    } finally {
      await helper.stop();
    }
  } finally {
    await destroyInstance(home.dir, name);
    home.dispose();
  }
}
