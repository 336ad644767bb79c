// What the dispatch script in the guest reports about a run: tagged lines on stderr
// (`@nixlima-RUN what …`) that the agent's own output cannot mistake for its own, because the
// tag holds a random run id. Everything else on stdout/stderr is the agent's output.
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";

export interface GuestReport {
  workdir?: string;
  base: string;
  round: number;
  exit: number | null;
  outcome?: string;
  error?: string;
  /** The last untagged stderr line: ssh's own complaint when the connection fails. */
  lastSshLine: string;
}

export interface GuestReportSinks {
  output(line: string, stream: "stdout" | "stderr"): void;
  round(round: number): void;
}

/** Reads the run's stdout and stderr, passes the agent's lines on and collects the tagged report. */
export function followGuestReport(stdout: Readable, stderr: Readable, tag: string, sinks: GuestReportSinks): GuestReport {
  const report: GuestReport = { base: "none", round: 0, exit: null, lastSshLine: "" };
  createInterface({ input: stdout }).on("line", (line) => sinks.output(line, "stdout"));
  createInterface({ input: stderr }).on("line", (line) => {
    const at = line.indexOf(tag);
    if (at < 0) {
      report.lastSshLine = line;
      sinks.output(line, "stderr");
      return;
    }
    if (at > 0) sinks.output(line.slice(0, at), "stderr");
    const [what, ...rest] = line.slice(at + tag.length + 1).split(" ");
    if (what === "workdir") report.workdir = rest.join(" ");
    else if (what === "base") report.base = rest[0] ?? "none";
    else if (what === "round") {
      report.round = Number(rest[0]);
      sinks.round(report.round);
    } else if (what === "exit") report.exit = Number(rest[1]);
    else if (what === "outcome") report.outcome = rest[0];
    else if (what === "error") report.error = rest[0];
  });
  return report;
}
