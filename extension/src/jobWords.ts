// What a job's notification says, as pure functions (tested without VS Code): its progress in
// the same words as the tree row, and how it ended in one sentence people can act on.
import { toHelperError } from "../../helper/src/errors";
import type { HelperError, Job, Progress, Vm } from "../../helper/src/protocol";
import { movedMountNotes } from "../../helper/src/shared/mountPoint";

/** Notifications and welcome views show text as typed: `x` would show its backticks. */
export function plainWords(text: string): string {
  return text.replace(/"?`([^`]*)`"?/g, '"$1"');
}

/** The progress line: the stage the tree row shows, then any detail (a build's counts). */
export function progressText(p: Progress): string {
  return plainWords(p.message ? `${p.stage} — ${p.message}` : p.stage);
}

/** One sentence of what went wrong and what to do; never Lima's raw text (that is `detail`). */
export function failureText(error: HelperError | undefined, title: string): string {
  if (!error) return `${title} failed.`;
  return plainWords(error.hint ? `${error.message} ${error.hint}` : error.message);
}

/** Any thrown value (a helper request's NixlimaError included) as one plain sentence with its hint. */
export function errorText(err: unknown): string {
  return failureText(toHelperError(err), "It");
}

/**
 * A create that started its VM ends by saying so, and where a folder whose path Lima cannot
 * mount as it is went in the guest (`vm`: the new VM as the store has it).
 */
export function successText(job: Job, vm?: Pick<Vm, "mounts">): string | undefined {
  if (job.request.kind !== "create" || job.request.create?.start === false) return undefined;
  return [`${job.request.vm} is running.`, ...movedMountNotes(vm?.mounts ?? [])].join(" ");
}
