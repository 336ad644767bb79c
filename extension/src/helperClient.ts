// The extension's line to the helper: connects to the helper serving these settings, starting
// it (helperLaunch.ts) when none runs, and reconnects when it goes away.
import { dirname, join } from "node:path";
import * as vscode from "vscode";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type * as z from "zod";
import { connectToHelper, type HelperLine } from "../../helper/src/connect/helperConnect";
import { JobMirror } from "../../helper/src/shared/jobMirror";
import { RunningJobs } from "../../helper/src/shared/runningJobs";
import { helperSocketPath } from "../../helper/src/connect/socketPath";
import {
  AgentRequests,
  Notifications,
  Requests,
  type Audit,
  type HardenResult,
  type HelperConfig,
  type Job,
  type JobLogLine,
  type JobStartParams,
  type LogEvent,
  type SshProblem,
  type StoredImage,
  type VmSnapshot,
  VmOpRequests,
  TaskRequests,
  type DiskSnapshot,
} from "../../helper/src/protocol";
import { onNotification, request } from "../../helper/src/rpc";
import { version } from "../../helper/src/version";
import { launchHelper } from "./helperLaunch";

const CONNECT_TIMEOUT_MS = 10_000;

export class HelperClient implements vscode.Disposable {
  private readonly snapshotEmitter = new vscode.EventEmitter<VmSnapshot>();
  private readonly jobsEmitter = new vscode.EventEmitter<Job[]>();
  private readonly jobEmitter = new vscode.EventEmitter<Job>();
  private readonly jobLogEmitter = new vscode.EventEmitter<JobLogLine>();
  private readonly logEmitter = new vscode.EventEmitter<LogEvent>();
  private readonly sshProblemEmitter = new vscode.EventEmitter<SshProblem>();
  private readonly imagesEmitter = new vscode.EventEmitter<StoredImage[]>();
  readonly onSnapshot = this.snapshotEmitter.event;
  /** Every job the helper knows, sent after each (re)connect. */
  readonly onJobs = this.jobsEmitter.event;
  readonly onJob = this.jobEmitter.event;
  readonly onJobLog = this.jobLogEmitter.event;
  readonly onLog = this.logEmitter.event;
  readonly onSshProblem = this.sshProblemEmitter.event;
  /** The built images in LIMA_HOME/_images, after each (re)connect and whenever they change. */
  readonly onImages = this.imagesEmitter.event;

  private connection: Promise<MessageConnection> | undefined;
  /** Counts the connections opened; only the newest one's close reconnects. */
  private opened = 0;
  /** What this window believes runs, to end the jobs a lost helper took with it. */
  private readonly running = new RunningJobs();
  /** This window's copy of every job, kept whole from the helper's ticks and log lines. */
  private readonly mirror = new JobMirror();
  private disposed = false;

  constructor(
    private readonly helperScript: string,
    private config: HelperConfig,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get socketPath(): string {
    return helperSocketPath(this.config, version);
  }

  /** The connection, made on first use. */
  ready(): Promise<MessageConnection> {
    this.connection ??= this.open().catch((err: unknown) => {
      this.connection = undefined;
      throw err;
    });
    return this.connection;
  }

  async listVms(): Promise<VmSnapshot> {
    return request(await this.ready(), Requests.vmsList, {});
  }
  /** `secrets` (a dispatch's API keys) travel in their own field; the helper keeps them out of the Job. */
  async startJob(params: JobStartParams): Promise<Job> {
    const job = await request(await this.ready(), Requests.jobsStart, params);
    this.running.seen(job);
    return this.mirror.get(job.id) ?? this.mirror.whole(job);
  }

  /** The job as this window knows it now, with its log so far. */
  job(id: string): Job | undefined {
    return this.mirror.get(id);
  }

  private jobSeen(job: Job): void {
    this.running.seen(job);
    this.jobEmitter.fire(this.mirror.whole(job));
  }
  async audit(vm: string): Promise<Audit> {
    return request(await this.ready(), AgentRequests.vmsAudit, { vm });
  }
  async harden(vm: string, dryRun: boolean): Promise<HardenResult> {
    return request(await this.ready(), AgentRequests.vmsHarden, { vm, dryRun });
  }
  /** A request about a task's branch (review, file, merge, discard); the helper runs git. */
  async task<K extends keyof typeof TaskRequests>(key: K, params: z.input<(typeof TaskRequests)[K]["params"]>): Promise<z.output<(typeof TaskRequests)[K]["result"]>> {
    const r = TaskRequests[key] as unknown as { method: string; params: z.ZodTypeAny; result: z.ZodTypeAny };
    return request(await this.ready(), r, params) as Promise<z.output<(typeof TaskRequests)[K]["result"]>>;
  }
  async cancelJob(id: string): Promise<boolean> {
    return (await request(await this.ready(), Requests.jobsCancel, { id })).cancelled;
  }
  async doctor() {
    return request(await this.ready(), Requests.doctor, {});
  }
  async canBuildImages(): Promise<boolean> {
    return (await request(await this.ready(), Requests.nixCanBuild, {})).canBuild;
  }
  async templates() {
    return request(await this.ready(), Requests.templatesList, {});
  }
  async sshSync() {
    return request(await this.ready(), Requests.sshSync, {});
  }
  async sshRemove() {
    return request(await this.ready(), Requests.sshRemove, {});
  }
  async deleteImage(path: string): Promise<StoredImage[]> {
    return request(await this.ready(), Requests.imagesDelete, { path });
  }
  /** The images the configured flake (or `flake`) can build. */
  async flakeImages(flake?: string) {
    return request(await this.ready(), Requests.flakeImages, flake === undefined ? {} : { flake });
  }
  async snapshots(vm: string): Promise<DiskSnapshot[]> {
    return request(await this.ready(), VmOpRequests.snapshotsList, { vm });
  }
  async reclaimList(days: number) {
    return request(await this.ready(), VmOpRequests.reclaimList, { days });
  }
  async reclaimCache() {
    return request(await this.ready(), VmOpRequests.reclaimCache, {});
  }
  async hostSockets() {
    return request(await this.ready(), VmOpRequests.hostSocketsList, {});
  }
  async autostartList(): Promise<{ supported: boolean; vms: string[] }> {
    return request(await this.ready(), VmOpRequests.autostartList, {});
  }
  async rebuildDefault(vm: string): Promise<string> {
    return (await request(await this.ready(), Requests.rebuildDefault, { vm })).flake;
  }

  /** Settings changed: talk to the helper for the new settings from now on. */
  reconfigure(config: HelperConfig): void {
    this.config = config;
    const old = this.connection;
    this.connection = undefined;
    void old?.then((c) => c.dispose()).catch(() => undefined);
    void this.ready().catch((err: unknown) => this.unreachable(err));
  }

  private unreachable(err: unknown): void {
    this.log.error(`Cannot reach the nixlima helper: ${String(err)}`);
    for (const lost of this.running.unreachable(err instanceof Error ? err.message : String(err))) this.jobEmitter.fire(lost);
  }

  dispose(): void {
    this.disposed = true;
    void this.connection?.then((c) => c.dispose()).catch(() => undefined);
    for (const e of [this.snapshotEmitter, this.jobsEmitter, this.jobEmitter, this.jobLogEmitter, this.logEmitter, this.sshProblemEmitter, this.imagesEmitter]) e.dispose();
  }

  private async open(): Promise<MessageConnection> {
    const path = this.socketPath;
    // Not `this.connection`: open() runs before ready() stores its promise there.
    const generation = ++this.opened;
    // The folder, the socket and the helper's proof are checked before anything is sent; a
    // refusal says what to remove.
    const prepare = (conn: MessageConnection) => {
      onNotification(conn, Notifications.vmsChanged, (s) => this.snapshotEmitter.fire(s));
      onNotification(conn, Notifications.jobChanged, (j) => this.jobSeen(j));
      onNotification(conn, Notifications.jobProgress, (t) => {
        const job = this.mirror.tick(t);
        if (job) this.jobEmitter.fire(job);
      });
      onNotification(conn, Notifications.jobLog, (l) => {
        this.mirror.log(l);
        this.jobLogEmitter.fire(l);
      });
      onNotification(conn, Notifications.log, (l) => this.logEmitter.fire(l));
      onNotification(conn, Notifications.sshProblem, (p) => this.sshProblemEmitter.fire(p));
      onNotification(conn, Notifications.imagesChanged, ({ images }) => this.imagesEmitter.fire(images));
      conn.onClose(() => {
        // Only the current connection reconnects; a replaced one just goes.
        if (this.opened === generation) this.reconnectLater();
      });
    };
    let line = await connectToHelper(path, version, prepare);
    if (!line) {
      launchHelper(this.helperScript, this.config, path, this.log);
      line = await waitForHelper(path, CONNECT_TIMEOUT_MS, prepare);
    }
    const { conn, hello } = line;
    this.log.info(`Connected to the nixlima helper ${hello.version} (pid ${hello.pid}) at ${path}`);
    // Catch up on what happened while this window was not connected.
    void request(conn, Requests.jobsList, {}).then((jobs) => {
      for (const lost of this.running.reconnected(hello.pid, jobs)) this.jobEmitter.fire(this.mirror.whole(lost));
      this.jobsEmitter.fire(jobs.map((j) => this.mirror.whole(j)));
    });
    void request(conn, Requests.vmsList, {}).then((s) => this.snapshotEmitter.fire(s));
    void request(conn, Requests.imagesList, {}).then((images) => this.imagesEmitter.fire(images));
    return conn;
  }

  private reconnectLater(): void {
    this.connection = undefined;
    if (this.disposed) return;
    this.log.warn("The nixlima helper went away; reconnecting.");
    setTimeout(() => {
      if (this.disposed) return;
      void this.ready().catch((err: unknown) => this.unreachable(err));
    }, 1000);
  }
}

async function waitForHelper(path: string, timeoutMs: number, prepare: (conn: MessageConnection) => void): Promise<HelperLine> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    const line = await connectToHelper(path, version, prepare);
    if (line) return line;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`The nixlima helper did not start within ${timeoutMs / 1000} s; see ${join(dirname(path), "helper.log")}.`);
}
