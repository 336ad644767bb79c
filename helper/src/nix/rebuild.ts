// "Rebuild VM": `sudo nixos-rebuild switch --flake REF` inside a running VM over `limactl shell`,
// with stages read from nixos-rebuild's own messages (both the shell script and nixos-rebuild-ng
// print them) and Nix's plain build output, and the new system path as the result.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import type { Limactl } from "../lima/limactl";
import { parseLogLine } from "../lima/limactl";
import { stopGroup } from "../proc/processGroup";
import { checkVmName } from "../shared/vmNames";
import { hostArch } from "../shared/arch";
import { inspectVm, restartVm, type Reporter } from "../lima/operations";
import type { Progress, Vm } from "../protocol";
import { firstError } from "./flakeImages";
import { checkFlakeRef } from "../shared/flakeRefRule";
import { stripAnsi } from "./internalJson";
import { derivationName } from "./progress";

/** A switch can build a whole system from source; past this something hangs. */
const REBUILD_TIMEOUT_MS = 3 * 60 * 60_000;
const TAIL_LINES = 20;
/** argv after the limactl path and its global flags. `sudo -n` fails at once instead of asking for a password nobody can type. */
export function rebuildArgs(vm: string, ref: string, mode: RebuildMode = "switch"): string[] {
  checkVmName(vm);
  checkFlakeRef(ref);
  return ["shell", "--workdir", "/", vm, "--", "sudo", "-n", "nixos-rebuild", mode, "--flake", ref];
}

/** switch: activate now; boot: make it the next boot's system (the seed's way for changes that need a reboot). */
export type RebuildMode = "switch" | "boot";

/** The template a VM was made from, from the first comment nixlima's templates start with. */
export { templateOfLimaYaml } from "../lima/list";

/**
 * What "Rebuild VM" proposes: the project folder's mount point (else /etc/nixos) + `#` + the
 * configuration named for the VM's template and architecture (`dev-aarch64`).
 */
export function defaultRebuildRef(vm: Pick<Vm, "mounts" | "arch">, template: string | undefined, hostHome: string): string {
  const project = vm.mounts.find((m) => m.location !== hostHome && m.location !== `${hostHome}/`);
  const arch = vm.arch === "aarch64" || vm.arch === "x86_64" ? vm.arch : hostArch();
  return `${project?.mountPoint ?? "/etc/nixos"}#${template ?? "dev"}-${arch}`;
}

const AFTER_BUILD: Record<string, number> = { "installing boot loader": 0.85, activating: 0.9, switching: 0.95 };

/** Follows nixos-rebuild's output line by line: its stage, Nix's build counts, and the result. */
export class RebuildProgress {
  private stage = "starting";
  private expected = 0;
  /** Derivations whose build began; all but the last one have finished. */
  private started = 0;
  private current: string | undefined;
  /** The new system's store path, from "Done. The new configuration is …". */
  result: string | undefined;
  readonly failedUnits: string[] = [];

  /** Applies one output line; returns the new progress when something a user sees changed. */
  feed(raw: string): Progress | undefined {
    const line = stripAnsi(raw).trim();
    let m: RegExpExecArray | null;
    if (/^building the system configuration/.test(line)) this.stage = "building";
    else if (/^(updating GRUB 2 menu|installing bootloader|Checking switch inhibitors)/i.test(line)) this.stage = "installing boot loader";
    else if (/^activating the configuration/.test(line)) this.stage = "activating";
    else if (/^(setting up \/etc|reloading user units|setting up tmpfiles|restarting systemd|(stopping|starting|restarting|reloading) the following units|the following new units were started|switching to system configuration)/.test(line))
      this.stage = "switching";
    else if ((m = /^Done\. The new configuration is (\S+)/.exec(line))) {
      // On stdout, which can overtake the stderr lines before it: only note the result here;
      // the stage becomes "done" when nixos-rebuild exits (finish).
      this.result = m[1];
      return undefined;
    } else if ((m = /^warning: the following units failed: (.+)$/.exec(line))) {
      this.failedUnits.push(...m[1]!.split(/,\s*/));
      return undefined;
    } else if ((m = /^these (\d+) derivations will be built:?$/.exec(line)) || (m = /^this derivation will be built:?$/.exec(line))) {
      this.expected += m[1] ? Number(m[1]) : 1;
    } else if ((m = /^building '(\/[^']+\.drv)'/.exec(line))) {
      this.started++;
      this.current = derivationName(m[1]!);
    } else if ((m = /^copying path '(\/[^']+)' from/.exec(line))) {
      this.current = `fetching ${derivationName(m[1]!)}`;
    } else return undefined;
    return this.progress();
  }

  /** nixos-rebuild exited 0: switched, whether or not it printed "Done." (the shell script does not). */
  finish(): Progress {
    this.stage = "done";
    return this.progress();
  }

  progress(): Progress {
    const p: Progress = { stage: this.stage };
    if (this.stage === "done") {
      p.message = this.result ? `switched to ${this.result}` : "switched";
      p.fraction = 1;
      return p;
    }
    if (this.stage !== "building") {
      p.fraction = AFTER_BUILD[this.stage] ?? 0;
      return p;
    }
    const built = Math.min(Math.max(0, this.started - 1), this.expected);
    const parts: string[] = [];
    if (this.current) parts.push(this.current.startsWith("fetching ") ? this.current : `building ${this.current}`);
    if (this.expected > 0) parts.push(`${built}/${this.expected} built`);
    if (parts.length > 0) p.message = parts.join(" · ");
    // Building takes most of the time; the steps after it are quick.
    p.fraction = this.expected > 0 ? (0.8 * built) / this.expected : 0;
    return p;
  }
}

/** Runs the switch; resolves with the new configuration's store path when nixos-rebuild names it (nixos-rebuild-ng does). */
export async function rebuildVm(l: Limactl, name: string, ref: string, r: Reporter, signal: AbortSignal, mode: RebuildMode = "switch"): Promise<string | undefined> {
  const args = rebuildArgs(name, ref, mode);
  const vm = await inspectVm(l, name, r, signal);
  if (vm.status !== "Running") {
    throw new NixlimaError("not-running", `VM \`${name}\` is not running; start it, then rebuild it.`);
  }
  const model = new RebuildProgress();
  r.progress(model.progress());
  r.log(`$ ${l.commandLine(args)}`);
  const child = execa(l.path, ["--tty=false", "--log-format", "json", ...args], {
    env: l.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
    all: true,
    detached: true, // own process group: cancel reaches ssh and everything limactl started
    buffer: false,
  });
  const seen = followRebuildLog(child.all!, model, r);

  let why: "cancelled" | "timeout" | undefined;
  const kill = (reason: "cancelled" | "timeout") => {
    why ??= reason;
    stopGroup(child.pid);
  };
  const onAbort = () => kill("cancelled");
  signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => kill("timeout"), REBUILD_TIMEOUT_MS);
  let result;
  try {
    result = await child;
  } finally {
    signal.removeEventListener("abort", onAbort);
    clearTimeout(timer);
  }
  if (why === "cancelled") throw new NixlimaError("cancelled", `The rebuild of \`${name}\` was cancelled.`);
  if (why === "timeout") throw new NixlimaError("timeout", `The rebuild of \`${name}\` did not finish within ${REBUILD_TIMEOUT_MS / 3_600_000} hours and was stopped.`);
  if (result.exitCode !== 0) {
    const reason = seen.fatal ?? (seen.tail.length > 0 ? firstError(seen.tail.join("\n")) : `exit code ${result.exitCode}`);
    const units = model.failedUnits.length > 0 ? ` (failed units: ${model.failedUnits.join(", ")})` : "";
    throw new NixlimaError("failed", `nixos-rebuild ${mode} in \`${name}\` failed: ${reason.replace(/\.$/, "")}${units}.`, "Its output is in the nixlima log.");
  }
  r.progress(model.finish());
  if (mode === "boot") {
    // The new system is the boot default now; a restart makes it the running one.
    r.progress({ stage: "Restarting into the new system", fraction: 0.95 });
    await restartVm(l, name, r, signal);
    r.progress({ stage: "Running the new system", fraction: 1 });
  }
  return model.result;
}

/** limactl's JSON log lines: each goes to the log, the last few are kept for the error, and progress follows them. */
function followRebuildLog(all: Readable, model: RebuildProgress, r: Reporter) {
  const seen = { tail: [] as string[], fatal: undefined as string | undefined };
  createInterface({ input: all }).on("line", (raw) => {
    const line = parseLogLine(raw);
    if (!line) return;
    if (line.level === "fatal") seen.fatal = line.msg;
    const text = line.level === "info" ? line.msg : `${line.level}: ${line.msg}`;
    r.log(text);
    seen.tail.push(text);
    if (seen.tail.length > TAIL_LINES) seen.tail.shift();
    const p = model.feed(line.msg);
    if (p) r.progress(p);
  });
  return seen;
}
