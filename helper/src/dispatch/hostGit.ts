// git on the host, run so that nothing in the user's repository acts on its own: every call sets
// core.hooksPath to /dev/null (no hook runs, not even reference-transaction or pre-auto-gc),
// turns off automatic gc/maintenance and fsmonitor, checks every object that comes in, and never
// uses an external diff or textconv program. No shell: git gets its argv directly.
import { execa } from "execa";
import { NixlimaError } from "../errors";

const SAFE_CONFIG = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "fetch.fsckObjects=true",
  "transfer.fsckObjects=true",
  "advice.detachedHead=false",
].flatMap((c) => ["-c", c]);

export interface GitRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs git in `dir` with the safe configuration; never throws for git's own exit code. */
export async function hostGit(dir: string, args: string[], opts: { input?: Buffer; timeoutMs?: number } = {}): Promise<GitRun> {
  const result = await execa("git", [...SAFE_CONFIG, "-C", dir, ...args], {
    reject: false,
    stdin: opts.input === undefined ? "ignore" : "pipe",
    ...(opts.input === undefined ? {} : { input: opts.input }),
    env: { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" },
    timeout: opts.timeoutMs ?? 120_000,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.failed && result.exitCode === undefined) {
    const missing = (result as { code?: string }).code === "ENOENT";
    throw new NixlimaError("failed", missing ? "git is not installed on this computer." : `git could not run: ${result.shortMessage}`);
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
}

/** git's stdout as bytes (a bundle); a non-zero exit becomes one sentence naming what failed. */
export async function hostGitBytes(dir: string, args: string[], what: string): Promise<Buffer> {
  const result = await execa("git", [...SAFE_CONFIG, "-C", dir, ...args], {
    reject: false,
    stdin: "ignore",
    encoding: "buffer",
    env: { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" },
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  if (result.exitCode !== 0) throw new NixlimaError("failed", `Could not ${what}.`);
  return Buffer.from(result.stdout);
}

/** Like hostGit, but a non-zero exit becomes one sentence naming what failed. */
export async function hostGitOk(dir: string, args: string[], what: string, opts: { input?: Buffer } = {}): Promise<string> {
  const r = await hostGit(dir, args, opts);
  if (r.exitCode !== 0) {
    const last = r.stderr.trim().split("\n").at(-1)?.replace(/^(fatal|error): /, "") ?? "";
    throw new NixlimaError("failed", `Could not ${what}${last ? `: ${last}` : "."}`);
  }
  return r.stdout;
}

export interface HostProject {
  /** The repository's top folder. */
  root: string;
  /** The commit the task starts from (the project's HEAD). */
  base: string;
}

/** The git repository holding `dir`, at its current commit; a clear sentence when there is none. */
export async function hostProject(dir: string): Promise<HostProject> {
  const top = await hostGit(dir, ["rev-parse", "--show-toplevel"]);
  if (top.exitCode !== 0) {
    throw new NixlimaError(
      "usage",
      `${dir} is not in a git repository: an agent's work comes back as a git branch.`,
      "Run it in a repository (git init, then commit), or pass a folder in the VM to work in instead.",
    );
  }
  const root = top.stdout.trim();
  const head = await hostGit(root, ["rev-parse", "--verify", "-q", "HEAD^{commit}"]);
  if (head.exitCode !== 0) throw new NixlimaError("usage", `The repository ${root} has no commit yet.`, "Commit once, then dispatch the task.");
  return { root, base: head.stdout.trim() };
}
