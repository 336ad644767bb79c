// What a person does with a task's branch once it is back in the host repository: review it
// against the commit the task started from, merge it into the current branch, or discard it.
// Only branches named nixlima/VM/TASK are touched; git runs without hooks (hostGit.ts).
import { NixlimaError } from "../errors";
import type { TaskFileChange, TaskReview } from "../protocol";
import { hostGit, hostGitOk } from "./hostGit";
import { taskBaseRef } from "./taskRepo";

/** Accepts `nixlima/VM/TASK` (or `refs/heads/…`); anything else is refused in one sentence. */
export function checkTaskBranch(branch: string): string {
  const name = branch.replace(/^refs\/heads\//, "");
  if (!/^nixlima\/[A-Za-z0-9][A-Za-z0-9._-]*\/[0-9a-f]{8}$/.test(name)) {
    throw new NixlimaError("usage", `${JSON.stringify(branch)} is not a task branch; task branches are named nixlima/VM/TASK.`);
  }
  return name;
}

async function resolve(root: string, rev: string): Promise<string | undefined> {
  const r = await hostGit(root, ["rev-parse", "--verify", "-q", `${rev}^{commit}`]);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** The branch's commit and its base (the recorded start, else where it forked from HEAD). */
export async function taskRange(root: string, branch: string): Promise<{ base: string; head: string }> {
  const name = checkTaskBranch(branch);
  const head = await resolve(root, `refs/heads/${name}`);
  if (!head) throw new NixlimaError("not-found", `There is no branch ${name} in ${root}.`, "It may have been merged and discarded already.");
  const base = (await resolve(root, taskBaseRef(name))) ?? (await hostGitOk(root, ["merge-base", "HEAD", head], `find where ${name} started`)).trim();
  return { base, head };
}

/** The files the branch changed against its base, one entry each. */
export async function reviewTask(root: string, branch: string): Promise<TaskReview> {
  const name = checkTaskBranch(branch);
  const { base, head } = await taskRange(root, name);
  const out = await hostGitOk(root, ["diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z", "-M", base, head, "--"], `list the changes of ${name}`);
  const words = out.split("\0");
  const files: TaskFileChange[] = [];
  for (let i = 0; i + 1 < words.length; ) {
    const status = words[i]!.charAt(0);
    if (status === "R" || status === "C") {
      files.push({ status, oldPath: words[i + 1]!, path: words[i + 2]! });
      i += 3;
    } else {
      files.push({ status, path: words[i + 1]! });
      i += 2;
    }
  }
  return { root, branch: name, base, head, files };
}

/** A file's bytes at a commit of the task (its base or its head); empty when it is not there. */
export async function taskFileAt(root: string, commit: string, path: string): Promise<string> {
  if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new NixlimaError("usage", "A task file is read at a full commit id.");
  const r = await hostGit(root, ["cat-file", "blob", `${commit}:${path}`]);
  return r.exitCode === 0 ? r.stdout : "";
}

/** Merges the branch into the current branch (a merge commit, or a fast-forward when possible). */
export async function mergeTask(root: string, branch: string): Promise<string> {
  const name = checkTaskBranch(branch);
  await taskRange(root, name);
  const r = await hostGit(root, ["merge", "--no-edit", "-m", `Merge the agent's work from ${name}`, `refs/heads/${name}`]);
  if (r.exitCode !== 0) {
    const last = `${r.stdout}\n${r.stderr}`.trim().split("\n").at(-1) ?? "";
    throw new NixlimaError("failed", `Could not merge ${name}: ${last.replace(/^(fatal|error): /, "")}`, "Resolve the conflicts with git, or run git merge --abort.");
  }
  return name;
}

/** Deletes the branch and the record of its base. */
export async function discardTask(root: string, branch: string): Promise<string> {
  const name = checkTaskBranch(branch);
  await taskRange(root, name);
  await hostGitOk(root, ["branch", "-D", name], `delete ${name}`);
  await hostGit(root, ["update-ref", "-d", taskBaseRef(name)]);
  return name;
}
