// Nix build progress: throughput of the internal-json parser and progress model on a recorded
// 50 000-line log, and what that leaves per line of the 10 ms budget at 10 000 lines/s.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { timeParse } from "../helper/src/nix/throughput";
import { repoRoot } from "../test/support/lima";
import { median, report } from "./stats";

export function benchNixLog(runs = 5): void {
  const log = gunzipSync(readFileSync(join(repoRoot, "helper/test/nix/fixtures/many-lines.log.gz"))).toString("utf8");
  const lines = log.split("\n").filter(Boolean);
  const results = Array.from({ length: runs }, () => timeParse(lines));
  const ms = median(results.map((r) => r.ms));
  report(`nix build log (${lines.length} recorded lines, median of ${runs})`, {
    "parse + progress model (lines/s)": (lines.length / ms) * 1000,
    "per line (µs; budget 10 000 µs at 10 000 lines/s)": (ms * 1000) / lines.length,
    "progress events": results[0]!.events,
  });
}
