// Runs `nix build` for one installable with the internal-json log format, reports progress
// as it goes, and returns the output path. A failure becomes one clear error (with the
// failing derivation's log tail); cancelling stops Nix and every builder it started.
import { createInterface } from "node:readline";
import { KILL_GRACE_MS } from "../proc/processGroup";
import type { Readable } from "node:stream";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import type { Progress } from "../protocol";
import { parseNixLogLine } from "./internalJson";
import { matchMissingBuilder, missingBuilderMessage } from "./missingBuilder";
import { isAlive, processTree, signalAll } from "./processTree";
import { BuildProgressModel, derivationName, LOG_TAIL_LINES, toProgress } from "./progress";

export interface BuildOptions {
  /** What to build, e.g. `/path/to/nix#packages.aarch64-linux.dev-image` or `-f file.nix`. */
  installable: string[];
  nix?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  extraArgs?: string[];
  /** The target system, named in the error when no builder can build it. */
  system?: string;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Lines for the user's log: Nix's warnings and errors, and a failed build's log tail. */
  onLog?: (line: string) => void;
}

export interface BuildResult {
  outPath: string;
  drvPath?: string;
}

/** A build that failed in a derivation: its path and the last lines of its log. */
export class NixBuildError extends NixlimaError {
  constructor(
    message: string,
    readonly drvPath: string | undefined,
    readonly logTail: string[],
    hint?: string,
  ) {
    super("failed", message, hint);
  }
}

/** `nix (Nix) 2.8.0` → [2, 8]; Determinate prints `nix (Determinate Nix 3.8.2) 2.30.2`. */
export function parseNixVersion(output: string): [number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.\d+)?\s*$/.exec(output.trim().split("\n")[0] ?? "");
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export async function nixVersion(nix: string, env?: NodeJS.ProcessEnv): Promise<[number, number]> {
  const result = await execa(nix, ["--version"], { env, reject: false, stdin: "ignore" }).catch((err: unknown) => {
    if ((err as { code?: string }).code === "ENOENT") {
      throw new NixlimaError("not-found", "Nix is not installed or not on PATH: install it from https://nixos.org/download and try again.");
    }
    throw err;
  });
  const version = parseNixVersion(String(result.stdout));
  if (result.exitCode !== 0 || !version) {
    throw new NixlimaError("failed", `\`${nix} --version\` did not print a Nix version; check that \`${nix}\` is Nix.`);
  }
  return version;
}

/** Output paths from `--print-out-paths` (one per line) or `--json` (Nix < 2.9). */
export function parseOutPaths(stdout: string, json: boolean): BuildResult | undefined {
  if (!json) {
    const first = stdout.split("\n").find((l) => l.startsWith("/"));
    return first ? { outPath: first.trim() } : undefined;
  }
  try {
    const parsed = JSON.parse(stdout) as { drvPath?: string; outputs?: Record<string, string> }[];
    const first = parsed[0];
    const out = first?.outputs?.out ?? Object.values(first?.outputs ?? {})[0];
    return out ? { outPath: out, ...(first?.drvPath ? { drvPath: first.drvPath } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export async function buildImage(options: BuildOptions): Promise<BuildResult> {
  const nix = options.nix ?? "nix";
  if (options.signal?.aborted) throw cancelled();
  const [major, minor] = await nixVersion(nix, options.env);
  const json = major < 2 || (major === 2 && minor < 9);
  const args = [
    "--extra-experimental-features",
    "nix-command flakes",
    "build",
    ...options.installable,
    "--log-format",
    "internal-json",
    "-v",
    "--no-link",
    json ? "--json" : "--print-out-paths",
    ...(options.extraArgs ?? []),
  ];
  const child = execa(nix, args, {
    cwd: options.cwd,
    env: options.env,
    stdin: "ignore",
    reject: false,
    stripFinalNewline: false,
    buffer: { stdout: true, stderr: false },
  });

  const model = new BuildProgressModel();
  const log = options.onLog ?? (() => {});
  const stderr = followBuildLog(child.stderr!, model, log, options.onProgress);

  let cancelling = false;
  const onAbort = () => {
    cancelling = true;
    void killBuild(child.pid);
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await child;
    await stderr.done;
    if (cancelling) throw cancelled();
    if (result.exitCode === 0) {
      const found = parseOutPaths(String(result.stdout), json);
      if (!found) throw new NixlimaError("failed", "nix build succeeded but printed no output path; run it by hand to see why.");
      return found;
    }
    throw failure(model, options.system, log);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Reads Nix's internal-json log: messages go to the log, activity updates to the model, and one
 * progress event follows each burst of lines (at once after its last line), only when it changed.
 */
function followBuildLog(stderr: Readable, model: BuildProgressModel, log: (line: string) => void, onProgress: BuildOptions["onProgress"]) {
  let lastSent = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const progress = toProgress(model.state());
    const key = JSON.stringify(progress);
    if (key !== lastSent) {
      lastSent = key;
      onProgress?.(progress);
    }
  };
  const lines = createInterface({ input: stderr, crlfDelay: Infinity });
  lines.on("line", (line) => {
    const event = parseNixLogLine(line);
    if (!event) {
      if (line.trim() !== "") log(line);
      return;
    }
    if (event.action === "msg" && event.level <= 1) log(event.msg);
    if (model.apply(event) && !scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
  const done = new Promise<void>((resolve) => lines.once("close", resolve)).then(() => {
    if (scheduled) flush();
  });
  return { done };
}

function cancelled(): NixlimaError {
  return new NixlimaError("cancelled", "The image build was cancelled.");
}

/** SIGINT lets Nix stop its builders itself; whatever is left after the grace time is killed. */
async function killBuild(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const tree = await processTree(pid);
  signalAll(tree, "SIGINT");
  const deadline = Date.now() + KILL_GRACE_MS;
  while (Date.now() < deadline && tree.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  const left = tree.filter(isAlive);
  if (left.length > 0) signalAll([...left, ...(await processTree(pid)).filter((p) => !left.includes(p))], "SIGKILL");
}

const FAILED_DRV = /builder for '([^']+\.drv)' failed/;
const FAILED_DRV_NEW = /Cannot build '([^']+\.drv)'/;

function failure(model: BuildProgressModel, system: string | undefined, log: (line: string) => void): NixlimaError {
  const { errors, warnings } = model.state();
  const all = [...errors, ...warnings].join("\n");
  const missing = matchMissingBuilder(all);
  if (missing) {
    return new NixlimaError("failed", missingBuilderMessage(missing.system ?? system ?? "this system", missing.features));
  }
  const first = errors[0]?.replace(/^error:\s*/, "").split("\n")[0]?.trim() ?? "nix build failed without an error message";
  const drvPath = (FAILED_DRV.exec(all) ?? FAILED_DRV_NEW.exec(all))?.[1] ?? (errors.length > 0 ? undefined : model.lastFinishedBuild());
  if (!drvPath) return new NixlimaError("failed", `nix build failed: ${first.replace(/\.$/, "")}.`);
  const tail = model.logTail(drvPath);
  const name = derivationName(drvPath);
  log(`--- last ${tail.length} log lines of ${name} (${drvPath}) ---`);
  for (const line of tail) log(line);
  return new NixBuildError(
    `Building ${name} failed: ${first.replace(/\.$/, "")}.`,
    drvPath,
    tail,
    tail.length > 0 ? `The last ${Math.min(tail.length, LOG_TAIL_LINES)} lines of its build log are in the log.` : undefined,
  );
}
