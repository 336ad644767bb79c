// A task's project travels as git objects over the task's ssh connection: in, a bundle of the
// host's HEAD piped to a clone in the guest; out, a bundle of the agent's commits (its uncommitted
// work committed first) fetched into the host repository as branch nixlima/VM/TASK. Nothing
// touches the host's working tree, index or HEAD, and no hook runs (see hostGit.ts).
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";
import { remoteCommand, runGuestScript, sshArgv } from "./guestSsh";
import { hostGitBytes, hostGitOk, type HostProject } from "./hostGit";
import { CLONE_SCRIPT, COLLECT_SCRIPT, REMOVE_CLONE_SCRIPT } from "./taskScripts";

/** The host branch a task's work comes back on. */
export function taskBranch(vm: string, task: string): string {
  return `nixlima/${vm}/${task}`;
}

/** The ref that remembers the commit a task started from, for review and discard. */
export function taskBaseRef(branch: string): string {
  return `refs/nixlima/base/${branch.replace(/^nixlima\//, "")}`;
}

/** The branch name inside the guest's clone (the VM needs no part of the host's naming). */
const guestBranch = (task: string) => `nixlima/${task}`;

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "nixlima-task-"));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sshFailure(vm: Vm, what: string, r: { exitCode?: number; stderr: unknown; timedOut?: boolean }, hint?: string): NixlimaError {
  const last = String(r.stderr).trim().split("\n").at(-1)?.replace(/^nixlima: /, "") ?? "";
  return new NixlimaError("failed", `Could not ${what} in VM \`${vm.name}\`${last ? `: ${last}` : "."}`, hint);
}

/**
 * Clones the project's HEAD into the guest on the task's own branch, in the home of `runAs` (the
 * agent user) when given, else of Lima's user; returns the clone's path there.
 */
export async function cloneIntoGuest(vm: Vm, project: HostProject, task: string, runAs?: string): Promise<string> {
  const packed = await hostGitBytes(project.root, ["bundle", "create", "-q", "-", "HEAD"], `pack the repository ${project.root} for the VM`);
  const r = await execa("ssh", sshArgv(vm, remoteCommand(CLONE_SCRIPT, "nixlima", [task, guestBranch(task), project.base], runAs)), {
    input: packed,
    reject: false,
    timeout: 600_000,
  });
  if (r.exitCode !== 0) throw sshFailure(vm, "copy the repository", r);
  return String(r.stdout).trim();
}

export interface BroughtBack {
  /** The host branch with the agent's commits; null when the agent changed nothing. */
  branch: string | null;
  commits: number;
}

/**
 * Commits what the agent left uncommitted in the guest's clone, carries the clone's commits since
 * the base back as a bundle and fetches it into the host repository as the task's branch. Only
 * git objects and two refs change on the host; the clone in the guest is removed afterwards. In
 * the guest this runs as the user the agent ran as: git there obeys the clone's config and hooks,
 * which the agent could have changed.
 */
export async function bringBackFromGuest(vm: Vm, project: HostProject, clone: string, task: string, marker: string, runAs?: string): Promise<BroughtBack> {
  const outcome = await withTempDir(async (dir) => {
    const file = join(dir, "work.bundle");
    const r = await execa("ssh", sshArgv(vm, remoteCommand(COLLECT_SCRIPT, "nixlima", [clone, project.base, marker], runAs)), {
      stdin: "ignore",
      stdout: { file },
      reject: false,
      timeout: 600_000,
    });
    // The clone is then the only copy of the agent's work: it stays, and the user is told where.
    const kept = `The agent's work stays in the VM at ${clone} (nixlima shell ${vm.name} opens a shell there).`;
    if (r.exitCode !== 0) throw sshFailure(vm, "collect the agent's work", r, kept);
    if ((await stat(file)).size === 0) return { branch: null, commits: 0 };
    return fetchWorkBundle(project, file, taskBranch(vm.name, task));
  });
  await runGuestScript(vm, REMOVE_CLONE_SCRIPT, [task], 60_000, runAs);
  return outcome;
}

/**
 * Fetches the bundle's HEAD into the host repository as `branch` and records the task's base:
 * git objects and two refs, each object checked; the working tree, index and HEAD stay as they are.
 */
export async function fetchWorkBundle(project: HostProject, file: string, branch: string): Promise<BroughtBack> {
  await hostGitOk(project.root, ["fetch", "-q", "--no-tags", "--no-write-fetch-head", file, `HEAD:refs/heads/${branch}`], `bring the agent's commits into ${project.root}`);
  await hostGitOk(project.root, ["update-ref", taskBaseRef(branch), project.base], "remember where the task started");
  const count = await hostGitOk(project.root, ["rev-list", "--count", `${project.base}..refs/heads/${branch}`], "count the agent's commits");
  return { branch, commits: Number(count.trim()) };
}

/** `git diff --stat` and the patch of commit `head` against `base`, cut at `limit` bytes. */
export async function branchDiff(root: string, base: string, head: string, limit: number): Promise<{ stat: string; patch: string; truncated: boolean }> {
  const range = [base, head, "--"];
  const stat = await hostGitOk(root, ["diff", "--no-ext-diff", "--no-textconv", "--stat", ...range], "compare the branch with its base");
  const patch = await hostGitOk(root, ["diff", "--no-ext-diff", "--no-textconv", ...range], "compare the branch with its base");
  const truncated = Buffer.byteLength(patch) > limit;
  return { stat, patch: truncated ? Buffer.from(patch).subarray(0, limit).toString() : patch, truncated };
}
