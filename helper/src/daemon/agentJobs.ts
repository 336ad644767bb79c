// The daemon's agent-sandbox jobs: a dispatch (the agent's output streams into the job's log,
// the key goes only to dispatch(), which sends it over ssh's stdin) and a fleet action (each
// VM's progress in the job's `members`). Both keep their result when they fail, so a window can
// show the diff of a stopped run or the outcome of every VM of a fleet.
import { dispatch } from "../dispatch/dispatch";
import { createFleet, deleteFleet, stopFleet } from "../fleet/fleet";
import type { Limactl } from "../lima/limactl";
import { inspectVm } from "../lima/operations";
import type { DispatchResult, FleetResult, JobOf, JobResult } from "../protocol";
import { budgetStopSentence } from "../shared/usageWords";
import { JobFailedWithResult, type JobReporter } from "./jobs";

export async function runDispatchJob(
  l: Limactl,
  request: JobOf<"dispatch">,
  r: JobReporter,
  signal: AbortSignal,
  secrets: Record<string, string>,
): Promise<JobResult> {
  const vm = await inspectVm(l, request.vm, r, signal);
  const result = await dispatch(vm, request.dispatch, secrets, { progress: r.progress, log: r.log, output: (line) => r.log(line) }, signal);
  if (result.outcome === "done" || result.outcome === "finished") return { dispatch: result };
  const code = result.outcome === "timeout" ? "timeout" : result.outcome === "stopped" ? "cancelled" : "failed";
  throw new JobFailedWithResult(code, dispatchFailure(result), { dispatch: result });
}

function dispatchFailure(r: DispatchResult): string {
  const rounds = `${r.rounds} round${r.rounds === 1 ? "" : "s"}`;
  if (r.outcome === "timeout") return `${r.agent} in ${r.vm} ran out of time after ${rounds} and was killed.`;
  if (r.outcome === "stopped") return `${r.agent} in ${r.vm} was stopped after ${rounds}.`;
  if (r.outcome === "budget") return budgetStopSentence(r, `${r.agent} in ${r.vm}, ${rounds}`);
  return `${r.agent} in ${r.vm} failed${r.exitCode === null ? "" : ` with exit code ${r.exitCode}`} after ${rounds}; its output is in the task's terminal.`;
}

export async function runFleetJob(l: Limactl, request: JobOf<"fleet">, r: JobReporter, signal: AbortSignal): Promise<JobResult> {
  const f = request.fleet;
  const reporter = { progress: r.progress, log: r.log, member: r.member };
  const result =
    f.action === "create"
      ? await createFleet(l, f.create, reporter, signal, f.create.image ? { image: f.create.image } : {})
      : f.action === "stop"
        ? await stopFleet(l, f.prefix, reporter, signal)
        : await deleteFleet(l, f.prefix, f.force === true, reporter, signal);
  const failed = result.members.filter((m) => !m.ok);
  if (failed.length === 0) return { fleet: result };
  throw new JobFailedWithResult("failed", fleetFailure(result), { fleet: result });
}

/** One sentence: how many made it, and the first failure's reason. */
export function fleetFailure(result: FleetResult): string {
  const failed = result.members.filter((m) => !m.ok);
  const verb = { create: "created", stop: "stopped", delete: "deleted" }[result.action];
  const first = failed[0]!;
  return `Fleet ${result.prefix}: ${result.members.length - failed.length} of ${result.members.length} ${verb}; ${first.vm}: ${first.error?.message ?? "failed"}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ""}`;
}
