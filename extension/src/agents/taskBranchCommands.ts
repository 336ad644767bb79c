// Review, Merge and Discard on a finished task's row: the branch its work came back on, in the
// host repository. Review opens VS Code's multi-file diff (the base against the branch, file by
// file) over `nixlima-task:` documents that the helper fills; the extension runs no git itself.
import * as vscode from "vscode";
import type { Ctx } from "../ctx";
import { TaskItem } from "../tree/agentItems";
import { errorText } from "../jobWords";
import { reviewEntries, sideFromQuery, sideToUri, TASK_SCHEME, taskBranchOf, type ReviewEntry } from "./taskReviewPlan";

let provider: vscode.Disposable | undefined;

/** Serves the read-only documents of Review, asking the helper for each file at its commit. */
function ensureContentProvider(ctx: Ctx): void {
  if (provider) return;
  provider = vscode.workspace.registerTextDocumentContentProvider(TASK_SCHEME, {
    async provideTextDocumentContent(uri) {
      const side = sideFromQuery(uri.query);
      return side ? (await ctx.helper.task("tasksFile", side)).text : "";
    },
  });
  ctx.extension.subscriptions.push(provider);
}

function taskOf(ctx: Ctx, arg: unknown): { id: string; project: string; branch: string } | undefined {
  const job = arg instanceof TaskItem ? (ctx.store.job(arg.job.id) ?? arg.job) : undefined;
  const back = taskBranchOf(job);
  if (!job || !back) {
    void vscode.window.showInformationMessage("Choose a finished task's row in the nixlima view: its work is on a branch to review.");
    return undefined;
  }
  return { id: job.id, ...back };
}

function uriOf(entry: ReviewEntry, side: ReviewEntry["left"]): vscode.Uri {
  const { path, query } = sideToUri(side, entry.path);
  return vscode.Uri.from({ scheme: TASK_SCHEME, path, query });
}

export const reviewTaskBranch = (ctx: Ctx) => async (arg?: unknown) => {
  const task = taskOf(ctx, arg);
  if (!task) return;
  const review = await ctx.helper.task("tasksReview", { project: task.project, branch: task.branch });
  if (review.files.length === 0) {
    void vscode.window.showInformationMessage(`${task.branch} changes no file.`);
    return;
  }
  ensureContentProvider(ctx);
  const changes = reviewEntries(review).map((e) => [uriOf(e, e.right ?? e.left), uriOf(e, e.left), uriOf(e, e.right)]);
  // The title is the branch alone: the multi-file diff editor adds its own count of files.
  await vscode.commands.executeCommand("vscode.changes", task.branch, changes);
};

export const mergeTaskBranch = (ctx: Ctx) => async (arg?: unknown) => {
  const task = taskOf(ctx, arg);
  if (!task) return;
  const merge = "Merge";
  const ok = await vscode.window.showWarningMessage(
    `Merge ${task.branch} into the current branch of ${task.project}?`,
    { modal: true, detail: "This changes the files of your working tree. Review the branch first if you have not." },
    merge,
  );
  if (ok !== merge) return;
  try {
    await ctx.helper.task("tasksMerge", { project: task.project, branch: task.branch });
  } catch (err) {
    void vscode.window.showErrorMessage(errorText(err));
    return;
  }
  const discard = "Discard Branch";
  const next = await vscode.window.showInformationMessage(`Merged ${task.branch}.`, discard);
  if (next === discard) await discardTask(ctx, task);
};

export const discardTaskBranch = (ctx: Ctx) => async (arg?: unknown) => {
  const task = taskOf(ctx, arg);
  if (!task) return;
  const discard = "Discard";
  const ok = await vscode.window.showWarningMessage(`Delete branch ${task.branch} from ${task.project}?`, { modal: true, detail: "The agent's commits on it are then gone, unless you merged them." }, discard);
  if (ok === discard) await discardTask(ctx, task);
};

async function discardTask(ctx: Ctx, task: { id: string; project: string; branch: string }): Promise<void> {
  try {
    await ctx.helper.task("tasksDiscard", { project: task.project, branch: task.branch });
    ctx.store.taskHandled(task.id);
  } catch (err) {
    void vscode.window.showErrorMessage(errorText(err));
  }
}
