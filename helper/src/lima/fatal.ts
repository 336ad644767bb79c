// Turns limactl's `level=fatal` text into a typed NixlimaError. Where Lima's sentence already names
// the instance and the fix, it stays the message; where it is Go's text (a failed download, an
// unreadable lima.yaml), the message is one sentence of ours about this VM and Lima's text becomes
// the detail, which goes to the log. The code lets the UI act on it.
import type { ErrorCode } from "../protocol";
import { NixlimaError } from "../errors";

interface Rule {
  code: ErrorCode;
  test: RegExp;
  hint?: (m: RegExpMatchArray, vm: string) => string;
  /** Our own sentence instead of Lima's, which then goes to the detail. */
  say?: (m: RegExpMatchArray, vm: string) => string;
}

/** What limactl was doing, when the caller knows: the command (`start`) and the instance. */
export interface FatalContext {
  command?: string;
  vm?: string;
}

const RULES: Rule[] = [
  {
    code: "failed",
    test: /^failed to download [`"]([^`"]+)[`"]: (.*)$/,
    say: (m, vm) => `The image for ${vm} could not be downloaded from ${where(m[1]!)}: ${downloadReason(m[2]!)}.`,
    hint: () => "Check the network connection, or build or choose a local image, then try again.",
  },
  {
    code: "failed",
    test: /^instance [`"]([^`"]+)[`"] directory [`"]([^`"]+)[`"] exists but its [`"]?lima\.yaml[`"]? could not be read; it was NOT deleted/,
    say: (m) => `"${m[1]}" was not deleted: its configuration file (lima.yaml) cannot be read, so Lima left its folder ${m[2]}.`,
    hint: (m) => `A forced delete (nixlima delete --force ${m[1]}) removes what is left.`,
  },
  { code: "root", test: /must not run as the root user/, hint: () => ROOT_HINT },
  {
    code: "protected",
    test: /is protected/,
    hint: (m) => {
      const name = instanceIn(m.input ?? "") ?? "NAME";
      return `Run \`nixlima unprotect ${name}\` (or \`limactl unprotect ${name}\`) first if you really mean to delete it.`;
    },
  },
  { code: "already-exists", test: /already exists/ },
  { code: "already-running", test: /is already running/ },
  {
    code: "not-running",
    test: /expected status `Running`, got `Stopped`|instance `[^`]+` is stopped|is not running/,
  },
  {
    code: "not-found",
    // `stop`/`protect` of a missing name fail opening its lima.yaml; `shell` says "does not exist".
    test: /does not exist|unmatched instances|\/lima\.yaml: no such file or directory/,
  },
  {
    code: "timeout",
    test: /did not receive an event with the `running` status/,
    hint: () => "The VM may still be booting; check `limactl list` or stop it with `nixlima stop --force NAME`.",
  },
  { code: "invalid-name", test: /identifier `[^`]*` must match/ },
];

export const ROOT_HINT = "Lima refuses to run as root: run nixlima as your normal user.";

function instanceIn(msg: string): string | undefined {
  return /instance `([^`]+)`/.exec(msg)?.[1];
}

/** Lima's fatal text, trimmed to one line, as a typed error. */
export function errorFromFatal(msg: string, ctx: FatalContext = {}): NixlimaError {
  const line = oneLine(msg);
  const vm = ctx.vm ? `"${ctx.vm}"` : "the VM";
  for (const rule of RULES) {
    const m = line.match(rule.test);
    if (!m) continue;
    return rule.say
      ? new NixlimaError(rule.code, rule.say(m, vm), rule.hint?.(m, vm), line)
      : new NixlimaError(rule.code, line, rule.hint?.(m, vm));
  }
  // A start that ends "exiting, status=…" is explained from the host agent's log by the caller.
  const verb = ctx.command === undefined ? undefined : VERBS[ctx.command];
  if (verb && ctx.vm && !/^(exiting|degraded), status=/.test(line)) {
    return new NixlimaError("failed", `Lima could not ${verb} ${vm}.`, "Lima's own message is in the log.", line);
  }
  return new NixlimaError("failed", line);
}

const VERBS: Record<string, string> = {
  create: "create",
  start: "start",
  stop: "stop",
  restart: "restart",
  delete: "delete",
  clone: "clone",
  rename: "rename",
  edit: "change",
  shell: "open a shell in",
};

/** The host of a URL (or the file), which is what the user can check. */
function where(location: string): string {
  try {
    const url = new URL(location);
    return url.protocol === "file:" ? url.pathname : url.host;
  } catch {
    return location;
  }
}

/** Go's network errors, said plainly. */
export function downloadReason(goError: string): string {
  if (/connection refused/.test(goError)) return "nothing answers there";
  if (/no such host|server misbehaving|network is unreachable|no route to host/.test(goError)) return "that address cannot be reached (is this machine offline?)";
  if (/timeout|deadline exceeded/i.test(goError)) return "it did not answer in time";
  const status = /\bstatus\b.*?\b([45]\d\d)\b/i.exec(goError);
  if (status) return `the server answered ${status[1]}`;
  if (/no such file or directory/.test(goError)) return "the file is not there";
  if (/digest|checksum/i.test(goError)) return "the file is not the expected one (its checksum differs)";
  return "the download failed";
}

/** Lima messages sometimes carry multi-line YAML excerpts; the user sees one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
