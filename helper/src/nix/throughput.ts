// For the benchmark: how long parsing recorded `@nix` lines and folding them into progress
// takes, without spawning Nix.
import { parseNixLogLine } from "./internalJson";
import { BuildProgressModel, toProgress } from "./progress";

export function timeParse(lines: string[]): { lines: number; events: number; ms: number } {
  const start = process.hrtime.bigint();
  const model = new BuildProgressModel();
  let events = 0;
  for (const line of lines) {
    const event = parseNixLogLine(line);
    if (event && model.apply(event)) {
      toProgress(model.state());
      events++;
    }
  }
  return { lines: lines.length, events, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}
