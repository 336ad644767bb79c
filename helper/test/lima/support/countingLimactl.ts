// A real limactl behind a one-line wrapper that records every invocation, so tests can count
// processes (one `list` per refresh, none for a bad name). Everything it runs is the real limactl.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { limactlPath } from "../../../../test/support/lima";

export interface CountingLimactl {
  path: string;
  /** The argv of every limactl run so far, one array per process. */
  calls(): string[][];
}

export function countingLimactl(dir: string): CountingLimactl {
  const root = mkdtempSync(join(dir, "bin-"));
  const log = join(root, "calls.log");
  const path = join(root, "limactl");
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >>'${log}'\nexec '${limactlPath}' "$@"\n`, { mode: 0o755 });
  return {
    path,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => l.split(" "))
        : [],
  };
}

/** Lima's never-booting fixture: a real instance whose "image" is a text file. */
export const DUMMY_YAML = '{images: [{location: /etc/profile}], disk: "1M", containerd: {system: false, user: false}}';
