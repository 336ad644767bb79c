// Starts a helper job and waits for it; its progress notification is the JobTracker's.
import * as vscode from "vscode";
import type { Job, JobStartParams } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";

export async function runJob(ctx: Ctx, request: JobStartParams): Promise<Job | undefined> {
  try {
    const job = await ctx.helper.startJob(request);
    ctx.jobs.update(job);
    return await ctx.jobs.finished(job.id);
  } catch (err) {
    void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}
