// The real limactl, counting its own invocations: a wrapper that appends its arguments to a
// file and execs the real binary. Tests and benchmarks use it to count processes per refresh.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { limactlPath } from "./lima";

export interface CountingLimactl {
  path: string;
  /** Invocations that name `command` (e.g. "list") among their arguments. */
  count(command: string): number;
  reset(): void;
}

export function countingLimactl(dir: string): CountingLimactl {
  const log = join(dir, "limactl-calls.log");
  const path = join(dir, "limactl");
  writeFileSync(path, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${limactlPath}' "$@"\n`);
  chmodSync(path, 0o755);
  writeFileSync(log, "");
  return {
    path,
    count: (command) =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line.split(" ").includes(command)).length,
    reset: () => writeFileSync(log, ""),
  };
}
