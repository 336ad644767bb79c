// What Review shows for a task's branch, decided without VS Code so it can be tested: one diff per
// changed file (the base on the left, the branch on the right; an added file has an empty left
// side, a deleted one an empty right side), each side named by a `nixlima-task:` URI that the
// content provider answers by asking the helper for that file at that commit.
import type { Job, TaskReview } from "../../../helper/src/protocol";

export const TASK_SCHEME = "nixlima-task";

export interface TaskSide {
  project: string;
  commit: string;
  path: string;
}

export interface ReviewEntry {
  /** The file's path in the branch (for a deletion: at the base). */
  path: string;
  left: TaskSide | undefined;
  right: TaskSide | undefined;
}

/** The branch a finished task brought back, with its repository; undefined for any other job. */
export function taskBranchOf(job: Job | undefined): { project: string; branch: string } | undefined {
  const r = job?.request.kind === "dispatch" && job.state !== "running" ? job.result?.dispatch : undefined;
  return r?.branch && r.project ? { project: r.project, branch: r.branch } : undefined;
}

export function reviewEntries(review: TaskReview): ReviewEntry[] {
  const side = (commit: string, path: string): TaskSide => ({ project: review.root, commit, path });
  return review.files.map((f) => ({
    path: f.path,
    left: f.status === "A" ? undefined : side(review.base, f.oldPath ?? f.path),
    right: f.status === "D" ? undefined : side(review.head, f.path),
  }));
}

/** The URI path and query for one side (the path keeps the file name, so VS Code picks its language). */
export function sideToUri(side: TaskSide | undefined, path: string): { path: string; query: string } {
  const query = side ? new URLSearchParams({ project: side.project, commit: side.commit, path: side.path }).toString() : "empty=1";
  return { path: `/${(side?.path ?? path).replace(/^\/+/, "")}`, query };
}

/** The side a `nixlima-task:` URI's query names; undefined for an empty side or a malformed query. */
export function sideFromQuery(query: string): TaskSide | undefined {
  const q = new URLSearchParams(query);
  const project = q.get("project");
  const commit = q.get("commit");
  const path = q.get("path");
  return project && commit && path ? { project, commit, path } : undefined;
}
