// What the window knows of the VMs, jobs and built images, as last told by the helper. The
// trees and the commands read it; only the helper changes it.
import * as vscode from "vscode";
import { fleetPrefix, jobHoldingVm } from "../../helper/src/shared/jobHolds";
import { fleetNames } from "../../helper/src/shared/fleetMembers";
import { type Audit, type Job, type StoredImage, type Vm, type VmSnapshot } from "../../helper/src/protocol";
import { taskBranchOf } from "./agents/taskReviewPlan";

export type AuditEntry = { audit: Audit } | { error: string };

export class VmStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly imagesEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeImages = this.imagesEmitter.event;
  /** The images in LIMA_HOME/_images. */
  images: StoredImage[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly handledTasks = new Set<string>();
  snapshot: VmSnapshot | undefined;
  /** Isolation audits by VM name, fetched when a VM row is expanded; dropped when its status changes. */
  private readonly audits = new Map<string, AuditEntry>();
  private readonly auditWantedEmitter = new vscode.EventEmitter<string>();
  /** The tree wants the audit of this VM (the AuditFetcher asks the helper). */
  readonly onAuditWanted = this.auditWantedEmitter.event;

  setSnapshot(snapshot: VmSnapshot): void {
    const before = new Map(this.vms().map((v) => [v.name, v.status]));
    this.snapshot = snapshot;
    for (const name of [...this.audits.keys()]) {
      if (this.vm(name)?.status !== before.get(name)) this.audits.delete(name);
    }
    this.changeEmitter.fire();
  }

  /** The VM's audit (or why it failed), or undefined after asking for it. */
  audit(name: string): AuditEntry | undefined {
    const entry = this.audits.get(name);
    if (!entry) this.auditWantedEmitter.fire(name);
    return entry;
  }

  setAudit(name: string, entry: AuditEntry): void {
    this.audits.set(name, entry);
    this.changeEmitter.fire();
  }

  forgetAudit(name: string): void {
    if (this.audits.delete(name)) this.changeEmitter.fire();
  }

  setImages(images: StoredImage[]): void {
    this.images = images;
    this.imagesEmitter.fire();
  }

  setJob(job: Job): void {
    this.jobs.set(job.id, job);
    this.changeEmitter.fire();
  }

  vms(): Vm[] {
    return this.snapshot?.ok ? this.snapshot.vms : [];
  }

  vm(name: string): Vm | undefined {
    return this.vms().find((v) => v.name === name);
  }

  /**
   * The job acting on a VM, if any: the VM is busy while it runs, by the helper's own rule
   * (jobHoldingVm: a fleet's VMs until the fleet job ends). A task holds its VM too, but its row
   * shows the task and keeps the VM's connections: see runningTask.
   */
  runningJob(vmName: string): Job | undefined {
    const job = jobHoldingVm(this.jobs.values(), vmName);
    return job?.request.kind === "dispatch" ? undefined : job;
  }

  /** The agent task (dispatch job) running in a VM, if any: it holds the VM until it ends. */
  runningTask(vmName: string): Job | undefined {
    const job = jobHoldingVm(this.jobs.values(), vmName);
    return job?.request.kind === "dispatch" ? job : undefined;
  }

  /** The VM's latest finished task whose branch is still to review, merge or discard. */
  reviewableTask(vmName: string): Job | undefined {
    const last = this.latestTask(vmName);
    return last && !this.handledTasks.has(last.id) && taskBranchOf(last) ? last : undefined;
  }

  /** The VM's latest task, running or ended. */
  latestTask(vmName: string): Job | undefined {
    return [...this.jobs.values()].filter((j) => j.request.kind === "dispatch" && j.request.vm === vmName).at(-1);
  }

  /** The task's branch was discarded: its row goes. */
  taskHandled(id: string): void {
    this.handledTasks.add(id);
    this.changeEmitter.fire();
  }

  /** The running fleet job of a fleet, if any. */
  fleetJob(prefix: string): Job | undefined {
    return [...this.jobs.values()].find((j) => j.state === "running" && j.request.kind === "fleet" && fleetPrefix(j.request) === prefix);
  }

  /** VMs being created that limactl does not list yet (one create, or a fleet's): shown at once, busy. */
  pendingCreates(): { name: string; job: Job }[] {
    return [...this.jobs.values()].flatMap((job) => {
      if (job.state !== "running") return [];
      const f = job.request.kind === "fleet" ? job.request.fleet : undefined;
      const names = job.request.kind === "create" ? [job.request.vm] : f?.action === "create" ? fleetNames(f.create.prefix, f.create.count) : [];
      return names.filter((name) => !this.vm(name)).map((name) => ({ name, job }));
    });
  }

  job(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.imagesEmitter.dispose();
    this.auditWantedEmitter.dispose();
  }
}
