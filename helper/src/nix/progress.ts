// Turns the `@nix` event stream into what a user wants to see: builds done/expected,
// downloaded bytes, the derivation being built and its phase, and the log tail of each
// build so a failure can show why. Follows the model of Nix's own progress bar.
import type { Progress } from "../protocol";
import { ActivityType, Level, ResultType, stripAnsi, type NixLogEvent } from "./internalJson";

export const LOG_TAIL_LINES = 200;
// Tails of finished builds are kept for a few builds only: the error naming a failed
// derivation arrives right after its build stops.
const FINISHED_TAILS_KEPT = 16;

export interface Counter {
  done: number;
  expected: number;
}

interface BuildActivity {
  drvPath: string;
  /** Builder host, "" when building locally. */
  machine: string;
  phase?: string;
  tail: string[];
}

export interface BuildProgressState {
  builds: Counter & { running: number; failed: number };
  /** Store paths fetched from substituters (count). */
  substitutions: Counter;
  /** Bytes of downloads (file transfers) and of store paths copied in. */
  downloadBytes: Counter;
  copyBytes: Counter;
  /** The derivations being built right now, oldest first. */
  current: { drvPath: string; name: string; machine: string; phase?: string }[];
  /** Error messages Nix printed (ANSI removed), in order. */
  errors: string[];
  warnings: string[];
}

/** `/nix/store/<hash>-nixos.qcow2.drv` → `nixos.qcow2`. */
export function derivationName(drvPath: string): string {
  const base = drvPath.slice(drvPath.lastIndexOf("/") + 1).replace(/\.drv$/, "");
  const dash = base.indexOf("-");
  return dash === 32 ? base.slice(dash + 1) : base;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export class BuildProgressModel {
  private readonly builds = { done: 0, expected: 0, running: 0, failed: 0 };
  private readonly substitutions = { done: 0, expected: 0 };
  private readonly expectedBytes = { download: 0, copy: 0 };
  /** Bytes done per open transfer activity, and the total of finished ones. */
  private readonly transfers = new Map<number, { type: number; done: number }>();
  private readonly finishedBytes = { download: 0, copy: 0 };
  private readonly activityTypes = new Map<number, number>();
  private readonly openBuilds = new Map<number, BuildActivity>();
  private readonly finishedTails = new Map<string, string[]>();
  private buildsId: number | undefined;
  private copyPathsId: number | undefined;
  private readonly errors: string[] = [];
  private readonly warnings: string[] = [];

  /** Applies one event; returns whether anything a user sees may have changed. */
  apply(event: NixLogEvent): boolean {
    switch (event.action) {
      case "start":
        return this.start(event);
      case "stop":
        return this.stop(event.id);
      case "result":
        return this.result(event.id, event.type, event.fields);
      case "msg":
        if (event.level === Level.Error) this.errors.push(event.msg);
        else if (event.level === Level.Warn) this.warnings.push(event.msg);
        else return false;
        return true;
    }
  }

  private start(e: Extract<NixLogEvent, { action: "start" }>): boolean {
    this.activityTypes.set(e.id, e.type);
    switch (e.type) {
      case ActivityType.Builds:
        this.buildsId = e.id;
        return false;
      case ActivityType.CopyPaths:
        this.copyPathsId = e.id;
        return false;
      case ActivityType.Build: {
        const drvPath = typeof e.fields[0] === "string" ? e.fields[0] : e.text;
        const machine = typeof e.fields[1] === "string" ? e.fields[1] : "";
        this.openBuilds.set(e.id, { drvPath, machine, tail: [] });
        return true;
      }
      case ActivityType.FileTransfer:
      case ActivityType.CopyPath:
        this.transfers.set(e.id, { type: e.type, done: 0 });
        return false;
      default:
        return false;
    }
  }

  private stop(id: number): boolean {
    this.activityTypes.delete(id);
    const build = this.openBuilds.get(id);
    if (build) {
      this.openBuilds.delete(id);
      this.finishedTails.delete(build.drvPath);
      this.finishedTails.set(build.drvPath, build.tail);
      if (this.finishedTails.size > FINISHED_TAILS_KEPT) {
        this.finishedTails.delete(this.finishedTails.keys().next().value as string);
      }
      return true;
    }
    const transfer = this.transfers.get(id);
    if (transfer) {
      this.transfers.delete(id);
      if (transfer.type === ActivityType.FileTransfer) this.finishedBytes.download += transfer.done;
      else this.finishedBytes.copy += transfer.done;
      return true;
    }
    return false;
  }

  private result(id: number, type: number, fields: unknown[]): boolean {
    switch (type) {
      case ResultType.Progress: {
        if (id === this.buildsId) {
          this.builds.done = num(fields[0]);
          this.builds.expected = num(fields[1]);
          this.builds.running = num(fields[2]);
          this.builds.failed = num(fields[3]);
          return true;
        }
        if (id === this.copyPathsId) {
          this.substitutions.done = num(fields[0]);
          this.substitutions.expected = num(fields[1]);
          return true;
        }
        const transfer = this.transfers.get(id);
        if (transfer) {
          transfer.done = num(fields[0]);
          return true;
        }
        return false;
      }
      case ResultType.SetExpected: {
        // On the top-level realise activity: [activity type, expected bytes].
        if (fields[0] === ActivityType.FileTransfer) this.expectedBytes.download = num(fields[1]);
        else if (fields[0] === ActivityType.CopyPath) this.expectedBytes.copy = num(fields[1]);
        else return false;
        return true;
      }
      case ResultType.SetPhase: {
        const build = this.openBuilds.get(id);
        if (!build || typeof fields[0] !== "string") return false;
        build.phase = fields[0];
        return true;
      }
      case ResultType.BuildLogLine:
      case ResultType.PostBuildLogLine: {
        const build = this.openBuilds.get(id);
        if (!build || typeof fields[0] !== "string") return false;
        build.tail.push(stripAnsi(fields[0]));
        if (build.tail.length > LOG_TAIL_LINES) build.tail.shift();
        return false;
      }
      default:
        return false;
    }
  }

  /** The last log lines of a derivation's build (running or recently finished). */
  logTail(drvPath: string): string[] {
    for (const build of this.openBuilds.values()) if (build.drvPath === drvPath) return [...build.tail];
    return [...(this.finishedTails.get(drvPath) ?? [])];
  }

  /** The derivation whose build finished last: the usual culprit when no error names one. */
  lastFinishedBuild(): string | undefined {
    let last: string | undefined;
    for (const drv of this.finishedTails.keys()) last = drv;
    return last;
  }

  state(): BuildProgressState {
    let download = this.finishedBytes.download;
    let copy = this.finishedBytes.copy;
    for (const t of this.transfers.values()) {
      if (t.type === ActivityType.FileTransfer) download += t.done;
      else copy += t.done;
    }
    return {
      builds: { ...this.builds },
      substitutions: { ...this.substitutions },
      downloadBytes: { done: download, expected: this.expectedBytes.download },
      copyBytes: { done: copy, expected: this.expectedBytes.copy },
      current: [...this.openBuilds.values()].map((b) => ({
        drvPath: b.drvPath,
        name: derivationName(b.drvPath),
        machine: b.machine,
        ...(b.phase === undefined ? {} : { phase: b.phase }),
      })),
      errors: [...this.errors],
      warnings: [...this.warnings],
    };
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MiB`;
}

/** The protocol's Progress for a state: what is happening, counts, and a fraction when known. */
export function toProgress(s: BuildProgressState): Progress {
  const parts: string[] = [];
  const building = s.current[s.current.length - 1];
  if (building) {
    const where = building.machine ? ` on ${building.machine}` : "";
    const phase = building.phase ? ` (${building.phase})` : "";
    const more = s.current.length > 1 ? ` +${s.current.length - 1} more` : "";
    parts.push(`building ${building.name}${phase}${where}${more}`);
  }
  if (s.builds.expected > 0) parts.push(`${s.builds.done}/${s.builds.expected} built`);
  if (s.substitutions.expected > 0) parts.push(`${s.substitutions.done}/${s.substitutions.expected} fetched`);
  const bytes = s.downloadBytes.expected > 0 ? s.downloadBytes : s.copyBytes;
  if (bytes.expected > 0) parts.push(`${mib(bytes.done)} of ${mib(bytes.expected)} downloaded`);

  const total = s.builds.expected + s.substitutions.expected;
  const done = s.builds.done + s.substitutions.done;
  const stage = building ? "building" : s.substitutions.done < s.substitutions.expected ? "downloading" : total > 0 ? "building" : "evaluating";
  const progress: Progress = { stage };
  if (parts.length > 0) progress.message = parts.join(" · ");
  if (total > 0) progress.fraction = Math.min(1, done / total);
  return progress;
}
