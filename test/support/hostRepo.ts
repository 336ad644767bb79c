// A host git repository for task tests, with hooks planted that record every run in a log
// outside the repository: a test shows nixlima ran none of them, and that they do run for git.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchWorkBundle } from "../../helper/src/dispatch/taskRepo";

/** Hooks git runs on checkout, ref updates, merges, commits and automatic gc. */
export const PLANTED_HOOKS = ["post-checkout", "reference-transaction", "post-merge", "pre-commit", "post-commit", "pre-auto-gc", "post-rewrite"];

export interface HostRepo {
  root: string;
  hookLog: string;
  git(...args: string[]): string;
  /** Every hook run so far ("" when none). */
  hookRuns(): string;
  dispose(): void;
}

export function hostRepoWithHooks(files: Record<string, string> = { "notes.txt": "start\n" }): HostRepo {
  const dir = mkdtempSync(join(tmpdir(), "nixlima-hostrepo-"));
  const root = join(dir, "project");
  const hookLog = join(dir, "hooks.log");
  const git = (...args: string[]) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  execFileSync("git", ["init", "-q", "-b", "main", root]);
  git("config", "user.name", "Host User");
  git("config", "user.email", "host@example.invalid");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  git("add", "-A");
  git("commit", "-q", "-m", "start");
  for (const hook of PLANTED_HOOKS) {
    const path = join(root, ".git/hooks", hook);
    writeFileSync(path, `#!/bin/sh\necho "${hook} $*" >> '${hookLog}'\nexit 0\n`);
    chmodSync(path, 0o755);
  }
  return {
    root,
    hookLog,
    git,
    hookRuns: () => (existsSync(hookLog) ? readFileSync(hookLog, "utf8") : ""),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Makes branch `branch` of `repo` as a task does: `edit` works in a separate clone (standing in for
 * the guest's) and commits; its commits come back as a bundle. Returns the base commit.
 */
export async function addTaskBranch(repo: HostRepo, branch: string, edit: (dir: string, git: (...a: string[]) => string) => void): Promise<string> {
  const base = repo.git("rev-parse", "HEAD").trim();
  const dir = mkdtempSync(join(tmpdir(), "nixlima-guestclone-"));
  try {
    const clone = join(dir, "clone");
    execFileSync("git", ["clone", "-q", repo.root, clone]);
    const git = (...a: string[]) => execFileSync("git", ["-C", clone, "-c", "user.name=agent", "-c", "user.email=a@x", ...a], { encoding: "utf8" });
    edit(clone, git);
    git("bundle", "create", "-q", join(dir, "work.bundle"), `^${base}`, "HEAD");
    await fetchWorkBundle({ root: repo.root, base }, join(dir, "work.bundle"), branch);
    return base;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
