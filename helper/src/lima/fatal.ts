// Turns limactl's `level=fatal` text into a typed NixlimaError. The message stays Lima's own
// sentence (it names the instance and often the fix); the code lets the UI act on it.
import type { ErrorCode } from "../protocol";
import { NixlimaError } from "../errors";

interface Rule {
  code: ErrorCode;
  test: RegExp;
  hint?: (m: RegExpMatchArray) => string;
}

const RULES: Rule[] = [
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
export function errorFromFatal(msg: string): NixlimaError {
  const line = oneLine(msg);
  for (const rule of RULES) {
    const m = line.match(rule.test);
    if (m) return new NixlimaError(rule.code, line, rule.hint?.(m));
  }
  return new NixlimaError("failed", line);
}

/** Lima messages sometimes carry multi-line YAML excerpts; the user sees one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
