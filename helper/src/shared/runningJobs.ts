// The jobs a window believes are running. A helper that was killed, crashed or was replaced takes
// its jobs with it and never says they ended; on every (re)connect the window compares this with
// the jobs the helper it now reaches knows, and ends the rest with a sentence, so no progress
// spins and no runJob waits forever. Plain Node: the extension uses it without vscode.
import type { Job } from "../protocol";
import { subject as jobSubject } from "./jobHolds";

/** `VM "a"`, `image "dev"`, `fleet "w"`: inside a sentence. */
const subject = (request: Job["request"]) => jobSubject(request).replace(/^(Image|Fleet)/, (w) => w.toLowerCase());

export class RunningJobs {
  private readonly running = new Map<string, Job>();
  private helperPid: number | undefined;

  /** Every job the helper reports (started, changed, listed). */
  seen(job: Job): void {
    if (job.state === "running") this.running.set(job.id, job);
    else this.running.delete(job.id);
  }

  /**
   * After a (re)connect to the helper `pid`, which knows `known`: the jobs it does not run,
   * ended. Its own list then goes through `seen`.
   */
  reconnected(pid: number, known: Job[]): Job[] {
    const sameHelper = this.helperPid === pid;
    this.helperPid = pid;
    const ids = new Set(known.map((j) => j.id));
    const lost = [...this.running.values()].filter((j) => !ids.has(j.id));
    const why = sameHelper ? "ended while this window was not connected to the nixlima helper" : "was lost to this window: the nixlima helper running it stopped, or was replaced after a settings change";
    const ended = lost.map((j) => this.end(j, `The ${j.request.kind} of ${subject(j.request)} ${why}; check it, and run it again if needed.`));
    known.forEach((j) => this.seen(j));
    return ended;
  }

  /** No helper can be reached: every job this window saw running has ended for it. */
  unreachable(reason: string): Job[] {
    return [...this.running.values()].map((j) =>
      this.end(j, `The ${j.request.kind} of ${subject(j.request)} was lost: the nixlima helper cannot be reached (${reason}).`),
    );
  }

  private end(job: Job, message: string): Job {
    this.running.delete(job.id);
    return { ...job, state: "failed", endedAt: Date.now(), error: { code: "failed", message } };
  }
}
