// What the window knows of the VMs, jobs and built images, as last told by the helper. The
// trees and the commands read it; only the helper changes it.
import * as vscode from "vscode";
import type { Job, StoredImage, Vm, VmSnapshot } from "../../helper/src/protocol";

export class VmStore implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly imagesEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeImages = this.imagesEmitter.event;
  /** The images in LIMA_HOME/_images. */
  images: StoredImage[] = [];
  private readonly jobs = new Map<string, Job>();
  snapshot: VmSnapshot | undefined;

  setSnapshot(snapshot: VmSnapshot): void {
    this.snapshot = snapshot;
    this.changeEmitter.fire();
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

  /** The job running on a VM, if any: the VM is busy while it runs. */
  runningJob(vmName: string): Job | undefined {
    for (const job of this.jobs.values()) {
      if (job.state === "running" && job.request.vm === vmName) return job;
    }
    return undefined;
  }

  /** VMs being created that limactl does not list yet: shown at once, busy. */
  pendingCreates(): Job[] {
    return [...this.jobs.values()].filter((j) => j.state === "running" && j.request.kind === "create" && !this.vm(j.request.vm));
  }

  job(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.imagesEmitter.dispose();
  }
}
