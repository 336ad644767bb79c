// A window's requests about a task's branch in a host repository (dispatch/taskBranches.ts does
// the work, with git's hooks off; only merge changes the user's checkout, and only when asked).
import type { MessageConnection } from "vscode-jsonrpc/node";
import { discardTask, mergeTask, reviewTask, taskFileAt } from "../dispatch/taskBranches";
import { TaskRequests } from "../protocol";
import { onRequest } from "../rpc";

export function serveTaskRequests(conn: MessageConnection): void {
  onRequest(conn, TaskRequests.tasksReview, ({ project, branch }) => reviewTask(project, branch));
  onRequest(conn, TaskRequests.tasksFile, async ({ project, commit, path }) => ({ text: await taskFileAt(project, commit, path) }));
  onRequest(conn, TaskRequests.tasksMerge, async ({ project, branch }) => ({ branch: await mergeTask(project, branch) }));
  onRequest(conn, TaskRequests.tasksDiscard, async ({ project, branch }) => ({ branch: await discardTask(project, branch) }));
}
