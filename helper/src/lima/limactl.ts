// The one way nixlima runs limactl: located once, always non-interactive with JSON logs, spawned
// without a shell in its own process group so cancel and timeout kill everything it started.
import { constants, statSync, accessSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import { stopGroup } from "../proc/processGroup";
import { shellWord } from "../shared/shellQuote";
import { errorFromFatal, oneLine, ROOT_HINT } from "./fatal";

export interface LimactlSettings {
  path?: string;
  limaHome?: string;
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  input?: string;
  onLogLine?: (l: LogLine) => void;
}

export const MIN_LIMA_VERSION = "2.0.0";
/** GUI-launched editors on macOS get a minimal PATH; these are where Lima's installers put it. */
const EXTRA_DIRS = ["/opt/homebrew/bin", "/usr/local/bin", "/opt/local/bin"];
const GLOBAL_FLAGS = ["--tty=false", "--log-format", "json"];
/** How long a killed limactl gets to clean up after SIGTERM before SIGKILL. */

export class Limactl {
  private constructor(
    readonly path: string,
    readonly version: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async locate(settings: LimactlSettings, env: NodeJS.ProcessEnv = process.env): Promise<Limactl> {
    if (process.getuid?.() === 0) throw new NixlimaError("root", "nixlima is running as root.", ROOT_HINT);
    const path = findLimactl(settings.path, env);
    const runEnv: NodeJS.ProcessEnv = { ...env };
    if (settings.limaHome) runEnv.LIMA_HOME = expandHome(settings.limaHome);
    const result = await execa(path, ["--version"], { env: runEnv, extendEnv: false, reject: false, timeout: 15_000 });
    if (result.exitCode !== 0) {
      const text = oneLine(result.stderr || result.stdout || String(result.exitCode));
      if (/must not run as the root user/.test(text)) throw new NixlimaError("root", text, ROOT_HINT);
      throw new NixlimaError("limactl-missing", `${path} does not work: ${text}`, installHint());
    }
    const version = parseVersion(result.stdout);
    if (compareVersions(version, MIN_LIMA_VERSION) < 0) {
      throw new NixlimaError(
        "limactl-too-old",
        `Lima ${version} at ${path} is too old; nixlima needs Lima ${MIN_LIMA_VERSION} or newer.`,
        upgradeHint(),
      );
    }
    return new Limactl(path, version, runEnv);
  }

  /** The command line as the log shows it. */
  commandLine(args: string[]): string {
    return [this.path, ...GLOBAL_FLAGS, ...args].map(shellWord).join(" ");
  }

  async run(args: string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
    const { signal, timeoutMs, input, onLogLine } = opts;
    if (signal?.aborted) throw cancelled(args);
    const child = execa(this.path, [...GLOBAL_FLAGS, ...args], {
      env: this.env,
      extendEnv: false,
      reject: false,
      detached: true, // own process group: killing -pid reaches qemu-img, ssh and other children
      ...(input === undefined ? { stdin: "ignore" as const } : { input }),
      maxBuffer: 256 * 1024 * 1024,
    });
    let fatal: string | undefined;
    createInterface({ input: child.stderr }).on("line", (raw) => {
      const line = parseLogLine(raw);
      if (!line) return;
      if (line.level === "fatal") fatal = line.msg;
      onLogLine?.(line);
    });

    let why: "cancelled" | "timeout" | undefined;
    const kill = (reason: "cancelled" | "timeout") => {
      why ??= reason;
      stopGroup(child.pid);
    };
    const onAbort = () => kill("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => kill("timeout"), timeoutMs);
    let result;
    try {
      result = await child;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (timer) clearTimeout(timer);
    }
    const stdout = String(result.stdout ?? "");
    const stderr = String(result.stderr ?? "");
    if (why === "cancelled") throw cancelled(args);
    if (why === "timeout") {
      throw new NixlimaError(
        "timeout",
        `\`limactl ${args.join(" ")}\` did not finish within ${Math.round((timeoutMs ?? 0) / 1000)} s and was stopped.`,
      );
    }
    if ((result as { code?: string }).code === "ENOENT") {
      throw new NixlimaError("limactl-missing", `limactl is gone from ${this.path}.`, installHint());
    }
    if (result.exitCode !== 0) {
      if (fatal !== undefined) throw errorFromFatal(fatal, { command: args[0], vm: instanceIn(args) });
      const last = lastLine(stderr);
      if (last && /must not run as the root user/.test(last)) throw new NixlimaError("root", last, ROOT_HINT);
      throw new NixlimaError(
        "failed",
        `\`limactl ${args.join(" ")}\` failed (${result.signal ?? `exit code ${result.exitCode}`})${last ? `: ${last}` : "."}`,
      );
    }
    return { stdout, stderr };
  }
}

/** The instance a limactl command line acts on: `--name X` for create, else its last plain word. */
export function instanceIn(args: string[]): string | undefined {
  const named = args.findIndex((a) => a === "--name");
  if (named >= 0) return args[named + 1];
  const eq = args.find((a) => a.startsWith("--name="));
  if (eq) return eq.slice("--name=".length);
  const last = args.at(-1);
  return args.length > 1 && last && !last.startsWith("-") && !args.includes("--") ? last : undefined;
}

/** One stderr line of `--log-format json`; plain text (e.g. from a wrapper script) is kept as info. */
export function parseLogLine(raw: string): LogLine | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  if (text.startsWith("{")) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const { level, msg, time: _time, ...fields } = obj;
      return { level: typeof level === "string" ? level : "info", msg: typeof msg === "string" ? msg : "", fields };
    } catch {
      // not JSON after all: fall through to plain text
    }
  }
  return { level: "info", msg: text, fields: {} };
}

export function parseVersion(stdout: string): string {
  const m = /version\s+v?(\S+)/.exec(stdout);
  return m?.[1] ?? stdout.trim();
}

/** Compares the numeric x.y.z prefix; a version without one (a dev build) counts as new enough. */
export function compareVersions(a: string, b: string): number {
  const pa = /^(\d+)\.(\d+)\.(\d+)/.exec(a);
  const pb = /^(\d+)\.(\d+)\.(\d+)/.exec(b);
  if (!pa || !pb) return 1;
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

function findLimactl(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  if (configured) {
    const path = expandHome(configured);
    if (isExecutable(path)) return path;
    throw new NixlimaError(
      "limactl-missing",
      `The configured limactl path ${path} is not an executable file.`,
      "Fix the limactl path setting (NIXLIMA_LIMACTL for the CLI), or clear it to search PATH.",
    );
  }
  const dirs = [...(env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of new Set(dirs)) {
    const candidate = join(dir, "limactl");
    if (isExecutable(candidate)) return candidate;
  }
  throw new NixlimaError(
    "limactl-missing",
    `limactl was not found on PATH or in ${EXTRA_DIRS.join(", ")}.`,
    installHint(),
  );
}

function installHint(): string {
  return process.platform === "darwin"
    ? `Install Lima ${MIN_LIMA_VERSION} or newer with \`brew install lima\`, or set the limactl path setting (NIXLIMA_LIMACTL for the CLI).`
    : `Install Lima ${MIN_LIMA_VERSION} or newer (https://lima-vm.io/docs/installation/, \`brew install lima\`, or \`nix profile install nixpkgs#lima\`), or set the limactl path setting (NIXLIMA_LIMACTL for the CLI).`;
}

function upgradeHint(): string {
  return process.platform === "darwin"
    ? "Upgrade with `brew upgrade lima`."
    : "Upgrade Lima from https://lima-vm.io/docs/installation/ (or your package manager).";
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

function cancelled(args: string[]): NixlimaError {
  return new NixlimaError("cancelled", `\`limactl ${args.join(" ")}\` was cancelled.`);
}

function lastLine(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1);
  return last === undefined ? undefined : (parseLogLine(last)?.msg ?? last);
}
