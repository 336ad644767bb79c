// Long operations as jobs: each has an id, a progress stream, a log and an outcome, and can be
// cancelled. Jobs live in the helper, not in a window, so a reload or a second window sees them.
import { randomUUID } from "node:crypto";
import { NixlimaError, toHelperError } from "../errors";
import { hostLinuxSystem } from "../nix/flakeRef";
import type { Job, JobLogLine, JobRequest, Progress } from "../protocol";

export interface JobReporter {
  progress(p: Progress): void;
  log(line: string): void;
}
export type JobRunner = (request: JobRequest, reporter: JobReporter, signal: AbortSignal) => Promise<void>;

export interface JobEvents {
  changed(job: Job): void;
  log(line: JobLogLine): void;
}

const LOG_LINES_KEPT = 200;
const FINISHED_JOBS_KEPT = 50;

export class JobManager {
  private readonly jobs = new Map<string, { job: Job; abort: AbortController }>();

  constructor(
    private readonly runner: JobRunner,
    private readonly events: JobEvents,
  ) {}

  /** Starts a job; one VM (or one image) runs one job at a time, so two windows cannot race on it. */
  start(request: JobRequest): Job {
    const key = busyKey(request);
    const busy = [...this.jobs.values()].find((j) => j.job.state === "running" && busyKey(j.job.request) === key);
    if (busy) {
      throw new NixlimaError("failed", `${subject(request)} is busy with a ${busy.job.request.kind} job; wait for it or cancel it first.`);
    }
    const job: Job = {
      id: randomUUID(),
      request,
      state: "running",
      progress: { stage: "Queued" },
      startedAt: Date.now(),
      log: [],
    };
    const abort = new AbortController();
    this.jobs.set(job.id, { job, abort });
    this.prune();
    void this.run(job, abort.signal);
    return job;
  }

  list(): Job[] {
    return [...this.jobs.values()].map((j) => j.job);
  }

  running(): number {
    return this.list().filter((j) => j.state === "running").length;
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (!entry || entry.job.state !== "running") return false;
    entry.abort.abort();
    return true;
  }

  /** Resolves when every running job has ended. */
  async idle(): Promise<void> {
    while (this.running() > 0) await new Promise((r) => setTimeout(r, 50));
  }

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    const reporter: JobReporter = {
      progress: (p) => {
        job.progress = p;
        this.events.changed(structuredClone(job));
      },
      log: (line) => {
        job.log.push(line);
        if (job.log.length > LOG_LINES_KEPT) job.log.splice(0, job.log.length - LOG_LINES_KEPT);
        this.events.log({ id: job.id, line });
      },
    };
    this.events.changed(structuredClone(job));
    try {
      await this.runner(job.request, reporter, signal);
      job.state = "succeeded";
    } catch (err) {
      job.state = signal.aborted ? "cancelled" : "failed";
      job.error = signal.aborted ? { code: "cancelled", message: `Cancelled ${job.request.kind} of ${subject(job.request)}.` } : toHelperError(err);
    }
    job.endedAt = Date.now();
    this.events.changed(structuredClone(job));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.job.state !== "running");
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.jobs.delete(old.job.id);
  }
}

/** What a job holds while it runs: its VM, or for a build the image and system it writes. */
function busyKey(request: JobRequest): string {
  if (request.kind === "build") return `image:${request.build?.image ?? ""}:${request.build?.system ?? hostLinuxSystem()}`;
  return `vm:${request.vm}`;
}

/** How messages name what a job is about. */
export function subject(request: JobRequest): string {
  if (request.kind === "build") return `Image "${request.build?.image ?? "?"}"${request.build?.system ? ` for ${request.build.system}` : ""}`;
  return `VM "${request.vm}"`;
}
