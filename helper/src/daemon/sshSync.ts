// Keeps the user's ssh config in step with the VMs: whenever the set of instances changes
// (created or deleted, from nixlima or a terminal) nixlima's file is rewritten. Port changes
// need nothing: nixlima's file Includes the ssh.config Lima rewrites on every start.
import { toHelperError } from "../errors";
import type { SshConfigReport, SshProblem, Vm } from "../protocol";
import { removeSshConfig, sshConfigStatus, syncSshConfig } from "../ssh";

export interface SshSyncOptions {
  userConfigPath?: string;
  /** Sync on VM changes; the explicit requests work either way. */
  automatic: boolean;
  onProblem(problem: SshProblem): void;
}

export class SshSync {
  private lastSynced: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SshSyncOptions) {}

  /** Called with every new VM list. */
  vmsChanged(vms: Vm[]): void {
    if (!this.options.automatic) return;
    const key = JSON.stringify(vms.map((v) => [v.name, v.dir]).sort());
    if (key === this.lastSynced) return;
    this.lastSynced = key;
    this.sync(vms).catch((err: unknown) => {
      this.lastSynced = undefined; // try again on the next change
      const e = toHelperError(err);
      this.options.onProblem({ message: e.hint ? `${e.message} ${e.hint}` : e.message });
    });
  }

  sync(vms: Vm[]): Promise<SshConfigReport> {
    return this.serially(async () => {
      const r = await syncSshConfig(this.request(vms));
      return { userConfigPath: r.userConfigPath, manualLine: r.manualLine, block: r.block, changed: r.userConfigChanged || r.nixlimaConfigChanged, hosts: r.hosts.map(host) };
    });
  }

  status(vms: Vm[]): Promise<SshConfigReport> {
    return this.serially(async () => {
      const r = await sshConfigStatus(this.request(vms));
      return { userConfigPath: r.userConfigPath, manualLine: r.manualLine, block: r.block, changed: false, hosts: r.hosts.map(host) };
    });
  }

  remove(): Promise<SshConfigReport> {
    return this.serially(async () => {
      const r = await removeSshConfig(this.request([]));
      this.lastSynced = undefined;
      return { userConfigPath: r.userConfigPath, manualLine: r.manualLine, block: r.block, changed: r.userConfigChanged || r.deletedNixlimaConfig, hosts: [] };
    });
  }

  private request(vms: Vm[]) {
    return { ...(this.options.userConfigPath ? { userConfigPath: this.options.userConfigPath } : {}), vms };
  }

  /** One ssh-config operation at a time in this process (the file lock covers other processes). */
  private serially<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function host(h: { vm: string; alias: string; state: "ok" | "not-started" | "mismatch"; problem?: string }) {
  return { vm: h.vm, alias: h.alias, state: h.state, ...(h.problem ? { problem: h.problem } : {}) };
}
