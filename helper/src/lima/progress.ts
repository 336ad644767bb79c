// Reads limactl's stderr log lines (`--log-format json`) as progress stages. Lima ≥ 2.2 quotes names
// with backquotes, ≤ 2.1 with double quotes; both are accepted. Fractions are a rough map of a boot
// (start 0.05 → VM process 0.2 → requirements up to 0.95 → READY 1) derived from "i of n" counts.
import type { Progress } from "../protocol";
import { parseLogLine, type LogLine } from "./limactl";

const Q = "[`\"]"; // either quoting style
const REQUIREMENT = new RegExp(`^Waiting for the (essential|optional|final) requirement (\\d+) of (\\d+): ${Q}(.+)${Q}$`);
const SATISFIED = /^The (essential|optional|final) requirement (\d+) of (\d+) is satisfied$/;

/** Where each kind of requirement sits in the 0..1 span of a boot. */
const SPAN: Record<string, [number, number]> = {
  essential: [0.3, 0.8],
  optional: [0.8, 0.9],
  final: [0.9, 0.98],
};

interface Pattern {
  test: RegExp;
  progress: (m: RegExpMatchArray, line: LogLine) => Progress;
}

const PATTERNS: Pattern[] = [
  {
    test: REQUIREMENT,
    progress: (m) => ({
      stage: `Waiting for ${m[4]}`,
      message: `${m[1]} requirement ${m[2]} of ${m[3]}`,
      fraction: within(m[1]!, Number(m[2]) - 1, Number(m[3])),
    }),
  },
  {
    test: SATISFIED,
    progress: (m) => ({
      stage: `${cap(m[1]!)} requirement ${m[2]} of ${m[3]} satisfied`,
      fraction: within(m[1]!, Number(m[2]), Number(m[3])),
    }),
  },
  { test: /^SSH Local Port: (\d+)$/, progress: (m) => ({ stage: "SSH port open", message: `SSH Local Port: ${m[1]}`, fraction: 0.3 }) },
  { test: /^READY\./, progress: (_m, l) => ({ stage: "Ready", message: l.msg, fraction: 1 }) },
  { test: /^DEGRADED\./, progress: (_m, l) => ({ stage: "Degraded", message: l.msg }) },
  {
    test: /^Attempting to download the (image|nerdctl archive)/,
    progress: (m, l) => ({ stage: `Downloading the ${m[1]}`, message: field(l, "location"), fraction: 0.08 }),
  },
  { test: /^(Using cache|Downloaded the image)/, progress: (_m, l) => ({ stage: "Image ready", message: l.msg, fraction: 0.1 }) },
  { test: /^Converting /, progress: (_m, l) => ({ stage: "Converting the image", message: l.msg, fraction: 0.12 }) },
  { test: /^(Expanding to|Resize instance)/, progress: (_m, l) => ({ stage: "Resizing the disk", message: l.msg, fraction: 0.14 }) },
  {
    test: new RegExp(`^Starting the instance ${Q}(.+)${Q} with (?:internal |external )?VM driver ${Q}(.+)${Q}`),
    progress: (m) => ({ stage: "Starting", message: `driver ${m[2]}`, fraction: 0.05 }),
  },
  { test: /^Starting (QEMU|VZ|krunkit|WSL)/i, progress: (m) => ({ stage: `Booting (${m[1]})`, fraction: 0.2 }) },
  { test: /^Waiting for the guest agent to be running/, progress: () => ({ stage: "Waiting for the guest agent" }) },
  { test: /^Guest agent is running/, progress: () => ({ stage: "Guest agent running" }) },
  { test: /^Sending SIGINT to hostagent/, progress: (_m, l) => ({ stage: "Stopping", message: l.msg }) },
  { test: /^Waiting for the (host agent|instance)/, progress: (_m, l) => ({ stage: "Waiting for shutdown", message: l.msg }) },
  { test: /^Removing \*\.pid/, progress: () => ({ stage: "Cleaning up" }) },
  { test: /^Deleted /, progress: (_m, l) => ({ stage: "Deleted", message: l.msg, fraction: 1 }) },
];

/** The progress stage a log line announces, or undefined when it announces none. */
export function progressFromLogLine(line: LogLine): Progress | undefined {
  const msg = line.msg.replace(/^\[hostagent\] /, "").trim();
  for (const p of PATTERNS) {
    const m = msg.match(p.test);
    if (m) return dropUndefined(p.progress(m, { ...line, msg }));
  }
  return undefined;
}

/** Same, from one raw stderr line. */
export function progressFromStderr(raw: string): Progress | undefined {
  const line = parseLogLine(raw);
  return line ? progressFromLogLine(line) : undefined;
}

function within(kind: string, done: number, total: number): number | undefined {
  const span = SPAN[kind];
  if (!span || total <= 0) return undefined;
  return span[0] + ((span[1] - span[0]) * Math.min(done, total)) / total;
}

function field(l: LogLine, key: string): string | undefined {
  const v = l.fields[key];
  return typeof v === "string" && v ? v : undefined;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function dropUndefined(p: Progress): Progress {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Progress;
}
