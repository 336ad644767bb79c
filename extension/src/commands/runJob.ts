// Starts a helper job and waits for it; its progress notification is the JobTracker's.
import * as vscode from "vscode";
import { jobVm, type Job, type JobStartParams } from "../../../helper/src/protocol";
import { NixlimaError } from "../../../helper/src/errors";
import type { Ctx } from "../ctx";
import { errorText } from "../jobWords";

export async function runJob(ctx: Ctx, request: JobStartParams): Promise<Job | undefined> {
  try {
    const job = await ctx.helper.startJob(request);
    ctx.jobs.update(job);
    return await ctx.jobs.finished(job.id);
  } catch (err) {
    ctx.log.error(`${request.kind} ${jobVm(request) ?? ""}: ${errorText(err)}${err instanceof NixlimaError && err.detail ? ` (Lima said: ${err.detail})` : ""}`);
    void vscode.window.showErrorMessage(errorText(err));
    return undefined;
  }
}
