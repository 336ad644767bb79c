// Long operations as jobs: each has an id, a progress stream, a log and an outcome, and can be
// cancelled. Jobs live in the helper, not in a window, so a reload or a second window sees them.
import { randomUUID } from "node:crypto";
import { NixlimaError, toHelperError } from "../errors";
import { JobRequest, Requests, type ErrorCode, type Job, type JobLogLine, type JobResult, type JobTick, type Progress } from "../protocol";
import { invalidParams } from "../protocolInvalid";
import { conflicts, subject } from "../shared/jobHolds";
import { LOG_LINES_KEPT } from "../shared/jobMirror";


export interface JobReporter {
  progress(p: Progress): void;
  log(line: string): void;
  /** One VM's progress within a fleet job. */
  member(vm: string, p: Progress): void;
}
/** Secrets are the runner's alone: they are never put into the Job, its log or any event. */
export type JobRunner = (request: JobRequest, reporter: JobReporter, signal: AbortSignal, secrets: Record<string, string>) => Promise<JobResult | void>;

/** A job that failed (or was stopped) but produced something worth showing: a dispatch's diff, a fleet's outcomes. */
export class JobFailedWithResult extends NixlimaError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly result: JobResult,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

export interface JobEvents {
  /** The whole job: when it starts and when it ends. */
  changed(job: Job): void;
  /** Only what a progress tick changed. */
  tick(tick: JobTick): void;
  log(line: JobLogLine): void;
}

const FINISHED_JOBS_KEPT = 50;

export class JobManager {
  private readonly jobs = new Map<string, { job: Job; abort: AbortController; stopReason?: string }>();

  constructor(
    private readonly runner: JobRunner,
    private readonly events: JobEvents,
  ) {}

  /** Starts a job; one VM (or one image, or one fleet) runs one job at a time, so two windows cannot race on it. */
  start(request: JobRequest, secrets: Record<string, string> = {}): Job {
    const busy = this.busyWith(request);
    if (busy) {
      throw new NixlimaError("failed", `${subject(request)} is busy with a ${busy.request.kind} job; wait for it or cancel it first.`);
    }
    // Checked again, strictly: a request with anything but its kind's own fields (a secret) is refused.
    const own = JobRequest.safeParse(request);
    if (!own.success) throw new NixlimaError("usage", invalidParams(Requests.jobsStart.method, own.error, request));
    const job: Job = {
      id: randomUUID(),
      request: own.data,
      state: "running",
      progress: { stage: "Queued" },
      startedAt: Date.now(),
      log: [],
    };
    const abort = new AbortController();
    this.jobs.set(job.id, { job, abort });
    this.prune();
    void this.run(job, abort.signal, secrets);
    return structuredClone(job);
  }

  /** The running job that holds what `request` would act on, if any. */
  busyWith(request: JobRequest): Job | undefined {
    return [...this.jobs.values()].find((j) => j.job.state === "running" && conflicts(j.job.request, request))?.job;
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

  /** The helper is stopping: cancels every running job (each cleans up as on Cancel) and waits for them. */
  async stopAll(reason: string): Promise<void> {
    for (const entry of this.jobs.values()) {
      if (entry.job.state !== "running") continue;
      entry.stopReason = reason;
      entry.abort.abort();
    }
    await this.idle();
  }

  /** Resolves when every running job has ended. */
  async idle(): Promise<void> {
    while (this.running() > 0) await new Promise((r) => setTimeout(r, 50));
  }

  private async run(job: Job, signal: AbortSignal, secrets: Record<string, string>): Promise<void> {
    const reporter: JobReporter = {
      progress: (p) => {
        job.progress = p;
        this.events.tick({ id: job.id, progress: structuredClone(p) });
      },
      log: (line) => {
        job.log.push(line);
        if (job.log.length > LOG_LINES_KEPT) job.log.splice(0, job.log.length - LOG_LINES_KEPT);
        this.events.log({ id: job.id, line });
      },
      member: (vm, p) => {
        job.members = { ...job.members, [vm]: p };
        this.events.tick({ id: job.id, progress: structuredClone(p), member: vm });
      },
    };
    this.events.changed(structuredClone(job));
    try {
      const result = await this.runner(job.request, reporter, signal, secrets);
      if (result) job.result = result;
      job.state = "succeeded";
    } catch (err) {
      if (err instanceof JobFailedWithResult) job.result = err.result;
      job.state = signal.aborted ? "cancelled" : "failed";
      const stopped = this.jobs.get(job.id)?.stopReason;
      job.error = signal.aborted
        ? { code: "cancelled", message: stopped ?? `Cancelled ${job.request.kind} of ${subject(job.request)}.` }
        : toHelperError(err);
    }
    job.endedAt = Date.now();
    this.events.changed(structuredClone(job));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.job.state !== "running");
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.jobs.delete(old.job.id);
  }
}
