// Where a dispatched agent works and what comes back. By default the host project is cloned into
// the guest and the agent's work returns as a branch (taskRepo.ts); only an explicit guest folder
// (`workdir`, for example a writable mount) makes the agent work in place.
import type { Reporter } from "../lima/operations";
import type { DispatchOptions, DispatchResult, Vm } from "../protocol";
import { runGuestScript } from "./guestSsh";
import { hostProject, type HostProject } from "./hostGit";
import { DIFF_SCRIPT, PATCH_LIMIT } from "./remoteScript";
import { branchDiff, bringBackFromGuest, cloneIntoGuest } from "./taskRepo";

export interface TaskWorkspace {
  /** The guest folder the agent runs in ("" for the guest home). */
  workdir: string;
  /** Set when the project was cloned in: its work goes back as a branch. */
  project?: HostProject;
  /** The guest user the clone, the agent and the collection run as; Lima's user when absent. */
  runAs?: string;
}

type WorkResult = Pick<DispatchResult, "diffStat" | "patch" | "patchTruncated" | "project" | "base" | "branch" | "commits">;

const noDiff: WorkResult = { diffStat: null, patch: null, patchTruncated: false };

export async function prepareWorkspace(vm: Vm, opts: DispatchOptions, task: string, r: Reporter, runAs?: string): Promise<TaskWorkspace> {
  const as = runAs === undefined ? {} : { runAs };
  if (opts.workdir !== undefined || opts.project === undefined) return { workdir: opts.workdir ?? "", ...as };
  const project = await hostProject(opts.project);
  r.progress({ stage: "Copying the repository", message: `${project.root} into ${vm.name}` });
  r.log(`cloning ${project.root} at ${project.base.slice(0, 12)} into ${vm.name} (a git bundle over ssh; no host folder is mounted)`);
  return { workdir: await cloneIntoGuest(vm, project, task, runAs), project, ...as };
}

/**
 * What the run changed: for a cloned project, the agent's branch brought back to the host and its
 * diff against the base; for a guest folder, the diff left there since commit `base`.
 */
export async function collectWork(vm: Vm, ws: TaskWorkspace, task: string, seen: { workdir?: string; base: string }, marker: string, r: Reporter): Promise<WorkResult> {
  if (!ws.project) {
    if (seen.base === "none" || !seen.workdir) return noDiff;
    return collectGuestDiff(vm, seen.workdir, seen.base, marker, r, ws.runAs);
  }
  const { root, base } = ws.project;
  r.progress({ stage: "Bringing the work back", message: `as a branch of ${root}` });
  const back = await bringBackFromGuest(vm, ws.project, ws.workdir, task, marker, ws.runAs);
  if (!back.branch) return { diffStat: "", patch: "", patchTruncated: false, project: root, base, branch: null, commits: 0 };
  r.log(`the agent's work is on branch ${back.branch} of ${root} (${back.commits} commit${back.commits === 1 ? "" : "s"})`);
  const diff = await branchDiff(root, base, `refs/heads/${back.branch}`, PATCH_LIMIT);
  return { diffStat: diff.stat, patch: diff.patch, patchTruncated: diff.truncated, project: root, base, branch: back.branch, commits: back.commits };
}

async function collectGuestDiff(vm: Vm, workdir: string, base: string, marker: string, r: Reporter, runAs?: string): Promise<WorkResult> {
  try {
    const out = await runGuestScript(vm, DIFF_SCRIPT, [workdir, base, marker, String(PATCH_LIMIT + 1)], 120_000, runAs);
    const nul = out.indexOf("\0");
    if (nul < 0) return noDiff;
    const patch = out.slice(nul + 1);
    const truncated = Buffer.byteLength(patch) > PATCH_LIMIT;
    return { diffStat: out.slice(0, nul), patch: truncated ? Buffer.from(patch).subarray(0, PATCH_LIMIT).toString() : patch, patchTruncated: truncated };
  } catch (err) {
    r.log(`could not read the diff: ${err instanceof Error ? err.message : String(err)}`);
    return noDiff;
  }
}
