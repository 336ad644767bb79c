// Parser for Nix's `--log-format internal-json` stream: every line Nix writes to stderr that
// starts with `@nix ` carries one JSON object (an activity start/stop, a result on an
// activity, or a message). Field meanings follow Nix's src/libutil/logging.cc; unknown
// activity and result types are kept as numbers because new ones keep arriving.

/** Activity types (`type` of a start). */
export const ActivityType = {
  Unknown: 0,
  CopyPath: 100,
  FileTransfer: 101,
  Realise: 102,
  CopyPaths: 103,
  Builds: 104,
  Build: 105,
  OptimiseStore: 106,
  VerifyPaths: 107,
  Substitute: 108,
  QueryPathInfo: 109,
  PostBuildHook: 110,
  BuildWaiting: 111,
  FetchTree: 112,
} as const;

/** Result types (`type` of a result). */
export const ResultType = {
  FileLinked: 100,
  BuildLogLine: 101,
  UntrustedPath: 102,
  CorruptedPath: 103,
  SetPhase: 104,
  Progress: 105,
  SetExpected: 106,
  PostBuildLogLine: 107,
  FetchStatus: 108,
} as const;

/** Verbosity of `msg` and `start`: 0 error, 1 warn, 2 notice, 3 info, 4 talkative, … */
export const Level = { Error: 0, Warn: 1, Notice: 2, Info: 3 } as const;

export type NixLogEvent =
  | { action: "start"; id: number; level: number; type: number; text: string; fields: unknown[]; parent?: number }
  | { action: "stop"; id: number }
  | { action: "result"; id: number; type: number; fields: unknown[] }
  | { action: "msg"; level: number; msg: string };

const PREFIX = "@nix ";
// Colours Nix puts into messages and log lines (SGR and other CSI sequences).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.includes("\u001b") ? text.replace(ANSI, "") : text;
}

/**
 * One stderr line as an event; undefined for a line that is not an `@nix` record (plain
 * text Nix or a builder printed) or whose JSON is damaged — the caller logs those as text.
 */
export function parseNixLogLine(line: string): NixLogEvent | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const id = typeof o.id === "number" ? o.id : undefined;
  const fields = Array.isArray(o.fields) ? o.fields : [];
  switch (o.action) {
    case "start":
      if (id === undefined) return undefined;
      return {
        action: "start",
        id,
        level: typeof o.level === "number" ? o.level : Level.Info,
        type: typeof o.type === "number" ? o.type : ActivityType.Unknown,
        text: typeof o.text === "string" ? o.text : "",
        fields,
        ...(typeof o.parent === "number" ? { parent: o.parent } : {}),
      };
    case "stop":
      return id === undefined ? undefined : { action: "stop", id };
    case "result":
      if (id === undefined || typeof o.type !== "number") return undefined;
      return { action: "result", id, type: o.type, fields };
    case "msg":
      return {
        action: "msg",
        level: typeof o.level === "number" ? o.level : Level.Info,
        msg: stripAnsi(typeof o.msg === "string" ? o.msg : ""),
      };
    default:
      return undefined;
  }
}
