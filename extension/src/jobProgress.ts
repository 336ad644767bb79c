// Shows each helper job as a progress notification with Cancel, also jobs this window did not
// start (another window's, or one still running after a reload), and reports how it ended.
import * as vscode from "vscode";
import { fleetPrefix } from "../../helper/src/shared/jobHolds";
import { jobVm, type Job } from "../../helper/src/protocol";
import { describeFleetResult, taskProgress } from "./agents/agentFormat";
import type { HelperClient } from "./helperClient";
import { failureText, progressText, successText } from "./jobWords";
import type { VmStore } from "./vmStore";

const verbs: Record<Job["request"]["kind"], string> = {
  dispatch: "Task in",
  fleet: "Fleet",
  create: "Creating",
  start: "Starting",
  stop: "Stopping",
  restart: "Restarting",
  delete: "Deleting",
  build: "Building image",
  rebuild: "Rebuilding",
  clone: "Cloning",
  rename: "Renaming",
  resize: "Resizing",
  protect: "Protecting",
  unprotect: "Unprotecting",
  fork: "Forking",
  snapshot: "Snapshot of",
  autostart: "Start at Login for",
};

/** What a job works on, for log lines: the VM, or the image a build makes. */
export function jobSubject(job: Job | undefined): string | undefined {
  if (!job) return undefined;
  if (job.request.kind === "fleet") return `fleet ${fleetPrefix(job.request)}`;
  return job.request.kind === "build" ? `image ${job.request.build?.image ?? "?"}` : job.request.vm;
}

/** The notification's title: what the job does to what (`Building image dev (aarch64-linux)`). */
export function jobTitle(request: Job["request"]): string {
  if (request.kind === "build") {
    const system = request.build?.system ? ` (${request.build.system})` : "";
    return `${verbs.build} ${request.build?.image ?? "?"}${system}`;
  }
  if (request.kind === "fleet") return `${{ create: "Creating", stop: "Stopping", delete: "Deleting" }[request.fleet?.action ?? "create"]} fleet ${fleetPrefix(request)}`;
  if (request.kind === "dispatch") return `${request.dispatch.agent} task in ${request.vm}`;
  if ("target" in request) return `${verbs[request.kind]} ${request.vm} to ${request.target}`;
  return `${verbs[request.kind]} ${request.vm}`;
}

export class JobTracker {
  private readonly shown = new Set<string>();
  private readonly waiters = new Map<string, ((job: Job) => void)[]>();

  constructor(
    private readonly helper: HelperClient,
    private readonly store: VmStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Called with every job update the helper sends. */
  update(job: Job): void {
    this.store.setJob(job);
    if (job.state === "running") this.show(job);
    else {
      for (const resolve of this.waiters.get(job.id) ?? []) resolve(job);
      this.waiters.delete(job.id);
    }
  }

  /** Resolves when the job has ended, with its final state. */
  finished(id: string): Promise<Job> {
    const known = this.store.job(id);
    if (known && known.state !== "running") return Promise.resolve(known);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  private show(job: Job): void {
    if (this.shown.has(job.id)) return;
    this.shown.add(job.id);
    const title = jobTitle(job.request);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => void this.helper.cancelJob(job.id));
      let reported = 0;
      const sub = this.store.onDidChange(() => {
        const now = this.store.job(job.id);
        if (!now) return;
        const fraction = Math.round((now.progress.fraction ?? reported / 100) * 100);
        progress.report({ message: now.request.kind === "dispatch" ? taskProgress(now) : progressText(now.progress), increment: Math.max(0, fraction - reported) });
        reported = Math.max(reported, fraction);
      });
      const ended = await this.finished(job.id);
      sub.dispose();
      this.shown.delete(job.id);
      this.announce(ended, title);
    });
  }

  private announce(job: Job, title: string): void {
    if (job.state === "succeeded") {
      this.log.info(`${title}: done in ${(((job.endedAt ?? Date.now()) - job.startedAt) / 1000).toFixed(1)} s`);
      // Builds and rebuilds take minutes and end with a result worth saying: the image, the new system.
      if ((job.request.kind === "build" || job.request.kind === "rebuild") && job.progress.message) {
        void vscode.window.showInformationMessage(`${title}: ${job.progress.message}`);
      }
      if (job.result?.fleet) void vscode.window.showInformationMessage(`${describeFleetResult(job.result.fleet)}.`);
      this.offerNextSteps(job);
      return;
    }
    if (job.state === "cancelled") {
      this.log.warn(`${title}: cancelled`);
      return;
    }
    if (job.result?.fleet) {
      for (const m of job.result.fleet.members) if (m.error) this.log.error(`${m.vm}: ${m.error.message}`);
    }
    const message = failureText(job.error, title);
    this.log.error(`${title}: ${message}`);
    if (job.error?.detail) this.log.error(`${title}: Lima said: ${job.error.detail}`);
    void vscode.window.showErrorMessage(message, "Show Log").then((choice) => {
      if (choice) this.log.show(true);
    });
  }

  /** "NAME is running" with what people do next with a new VM. */
  private offerNextSteps(job: Job): void {
    const text = successText(job, this.store.vm(jobVm(job.request) ?? ""));
    if (!text) return;
    const actions = { Open: "nixlima.openInNewWindow", Terminal: "nixlima.openTerminal" } as const;
    void vscode.window.showInformationMessage(text, ...(Object.keys(actions) as (keyof typeof actions)[])).then((choice) => {
      if (choice) void vscode.commands.executeCommand(actions[choice], jobVm(job.request));
    });
  }
}
