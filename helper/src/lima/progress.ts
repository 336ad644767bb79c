// Reads limactl's stderr log lines (`--log-format json`) as progress stages in plain words (never
// Lima's requirement names: people see these in notifications and on the tree row). Lima ≥ 2.2 quotes names
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

/** Each kind of requirement as a phase of a boot the user can follow. */
const PHASE: Record<string, string> = { essential: "Booting", optional: "Setting up", final: "Finishing" };

/** Lima's requirement descriptions (pkg/hostagent/requirements.go) in plain words. */
const REQUIREMENT_WORDS: [RegExp, string][] = [
  [/^ssh$/, "waiting for SSH"],
  [/^user session is ready for ssh$/, "waiting for the user session"],
  [/^Explicitly start ssh ControlMaster$/i, "connecting over SSH"],
  [/^sshfs binary to be installed$/, "installing sshfs"],
  [/^fuse to allow_other/, "setting up file sharing"],
  [/^systemd must be available$/, "waiting for systemd"],
  [/^containerd binaries to be installed$/, "installing containerd"],
  [/^boot scripts must have finished$/, "running the boot scripts"],
];

/** "Booting (2 of 3): waiting for SSH" — the same words the notification and the tree row show. */
export function requirementStage(kind: string, index: number, total: number, description: string): string {
  const words = REQUIREMENT_WORDS.find(([re]) => re.test(description))?.[1] ?? `waiting for ${lowerFirst(description)}`;
  return `${PHASE[kind] ?? "Booting"} (${index} of ${total}): ${words}`;
}

const PATTERNS: Pattern[] = [
  {
    test: REQUIREMENT,
    progress: (m) => ({
      stage: requirementStage(m[1]!, Number(m[2]), Number(m[3]), m[4]!),
      fraction: within(m[1]!, Number(m[2]) - 1, Number(m[3])),
    }),
  },
  {
    test: SATISFIED,
    progress: (m) => ({
      stage: `${PHASE[m[1]!] ?? "Booting"} (${m[2]} of ${m[3]}): done`,
      fraction: within(m[1]!, Number(m[2]), Number(m[3])),
    }),
  },
  { test: /^SSH Local Port: (\d+)$/, progress: () => ({ stage: "Booting: waiting for SSH", fraction: 0.3 }) },
  { test: /^READY\./, progress: () => ({ stage: "Running", fraction: 1 }) },
  { test: /^DEGRADED\./, progress: () => ({ stage: "Running, but file sharing and port forwarding may not work" }) },
  {
    test: /^Attempting to download the (image|nerdctl archive)/,
    progress: (m, l) => ({ stage: `Downloading the ${m[1]}`, message: field(l, "location"), fraction: 0.08 }),
  },
  { test: /^(Using cache|Downloaded the image)/, progress: () => ({ stage: "Image ready", fraction: 0.1 }) },
  { test: /^Converting /, progress: () => ({ stage: "Preparing the disk", fraction: 0.12 }) },
  { test: /^(Expanding to|Resize instance)/, progress: () => ({ stage: "Resizing the disk", fraction: 0.14 }) },
  {
    test: new RegExp(`^Starting the instance ${Q}(.+)${Q} with (?:internal |external )?VM driver ${Q}(.+)${Q}`),
    progress: () => ({ stage: "Starting the VM", fraction: 0.05 }),
  },
  { test: /^Starting (QEMU|VZ|krunkit|WSL)/i, progress: () => ({ stage: "Booting", fraction: 0.2 }) },
  { test: /^Waiting for the guest agent to be running/, progress: () => ({ stage: "Waiting for the guest agent" }) },
  { test: /^Guest agent is running/, progress: () => ({ stage: "Guest agent running" }) },
  { test: /^Sending SIGINT to hostagent/, progress: () => ({ stage: "Shutting down" }) },
  { test: /^Waiting for the (host agent|instance)/, progress: () => ({ stage: "Waiting for the VM to shut down" }) },
  { test: /^Removing \*\.pid/, progress: () => ({ stage: "Cleaning up" }) },
  { test: /^Deleted /, progress: () => ({ stage: "Deleted", fraction: 1 }) },
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

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function dropUndefined(p: Progress): Progress {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Progress;
}
