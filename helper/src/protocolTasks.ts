// The requests a window makes about a finished task's branch (protocol.ts re-exports them):
// review it file by file, read a file at the base or the branch, merge it, discard it.
import * as z from "zod";

const TaskBranchParams = z.object({ project: z.string(), branch: z.string() });

export const TaskFileChange = z.object({
  /** A (added), M (modified), D (deleted), R (renamed), C (copied), T (type changed). */
  status: z.string(),
  path: z.string(),
  oldPath: z.string().optional(),
});
export type TaskFileChange = z.infer<typeof TaskFileChange>;

export const TaskReview = z.object({
  root: z.string(),
  branch: z.string(),
  base: z.string(),
  head: z.string(),
  files: z.array(TaskFileChange),
});
export type TaskReview = z.infer<typeof TaskReview>;

export const TaskRequests = {
  tasksReview: { method: "tasks/review", params: TaskBranchParams, result: TaskReview },
  /** A file's text at a full commit id of the task (its base or its head); "" when absent there. */
  tasksFile: { method: "tasks/file", params: z.object({ project: z.string(), commit: z.string(), path: z.string() }), result: z.object({ text: z.string() }) },
  tasksMerge: { method: "tasks/merge", params: TaskBranchParams, result: z.object({ branch: z.string() }) },
  tasksDiscard: { method: "tasks/discard", params: TaskBranchParams, result: z.object({ branch: z.string() }) },
} as const;
