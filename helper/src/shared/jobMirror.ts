// A window's copy of the helper's jobs. The helper sends a job whole only when it starts and when
// it ends (and in jobs/list, after each (re)connect); in between it sends what changed: a progress
// tick and new log lines. This keeps the copy whole from those, so a row, a notification or a task
// terminal opened mid-run sees the job as the helper has it. Plain Node: the extension uses it.
import type { Job, JobLogLine, JobTick } from "../protocol";

/** The last lines of a job's log that the helper keeps, and so does a window. */
export const LOG_LINES_KEPT = 200;

export class JobMirror {
  private readonly jobs = new Map<string, Job>();

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** A whole job from the helper (start, end, list): it replaces the copy. */
  whole(job: Job): Job {
    this.jobs.set(job.id, job);
    return job;
  }

  /** A tick: the job with its new progress (or one fleet VM's), or undefined for a job not seen whole yet. */
  tick({ id, progress, member }: JobTick): Job | undefined {
    const job = this.jobs.get(id);
    if (!job || job.state !== "running") return undefined;
    const next = member === undefined ? { ...job, progress } : { ...job, members: { ...job.members, [member]: progress } };
    this.jobs.set(id, next);
    return next;
  }

  /**
   * A new log line, kept with the job as the helper keeps it. In place: a line is no reason to
   * redraw anything, and whoever holds this job object (the window's store) sees it too.
   */
  log({ id, line }: JobLogLine): void {
    const job = this.jobs.get(id);
    if (job) job.log = [...job.log, line].slice(-LOG_LINES_KEPT);
  }
}
