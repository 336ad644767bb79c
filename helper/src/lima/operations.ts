// The VM actions a job or the CLI runs: each checks the name before anything starts, logs every
// command line it runs, and turns limactl's stderr into progress.
import { NixlimaError } from "../errors";
import type { Progress, Vm } from "../protocol";
import { explainStartFailure } from "./hostagentLog";
import type { Limactl, LogLine } from "./limactl";
import { LIST_FORMAT, parseList, withHostFacts } from "./list";
import { checkVmName } from "../shared/vmNames";
import { removeRemains } from "./remains";
import { progressFromLogLine } from "./progress";

export interface Reporter {
  progress(p: Progress): void;
  log(line: string): void;
}

/** Lima's own start timeout is 10 min; past this something is stuck, not slow. */
const START_TIMEOUT_MS = 20 * 60_000;
/** A graceful stop waits up to ~6 min inside Lima (3m10s + 3m). */
const STOP_TIMEOUT_MS = 8 * 60_000;
const QUICK_TIMEOUT_MS = 2 * 60_000;

export async function startVm(l: Limactl, name: string, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(name);
  const vm = await inspectVm(l, name, r, signal);
  refuseBroken(vm);
  if (vm.status === "Running") {
    throw new NixlimaError("already-running", `VM \`${name}\` is already running.`, `Open a shell with \`nixlima shell ${name}\`.`);
  }
  await bootLike(l, ["start", name], name, r, signal);
}

export async function restartVm(l: Limactl, name: string, r: Reporter, signal: AbortSignal): Promise<void> {
  checkVmName(name);
  refuseBroken(await inspectVm(l, name, r, signal));
  await bootLike(l, ["restart", name], name, r, signal);
}

export async function stopVm(
  l: Limactl,
  name: string,
  opts: { force?: boolean },
  r: Reporter,
  signal: AbortSignal,
): Promise<void> {
  checkVmName(name);
  r.progress({ stage: opts.force ? "Force-stopping" : "Stopping" });
  try {
    await runLogged(l, opts.force ? ["stop", "-f", name] : ["stop", name], r, signal, STOP_TIMEOUT_MS);
  } catch (err) {
    // Lima says "open …/NAME/lima.yaml: no such file or directory" both for a name it does not
    // know and for a Broken VM whose lima.yaml is gone: tell them apart.
    if (!(err instanceof NixlimaError && err.code === "not-found")) throw err;
    throw brokenOrMissing(await inspectVm(l, name, r).catch(() => undefined), name, "stop", err);
  }
  r.progress({ stage: "Stopped", fraction: 1 });
}

export async function deleteVm(
  l: Limactl,
  name: string,
  opts: { force?: boolean },
  r: Reporter,
  signal: AbortSignal,
): Promise<void> {
  checkVmName(name);
  r.progress({ stage: "Deleting" });
  let missing = false;
  try {
    await runLogged(l, opts.force ? ["delete", "-f", name] : ["delete", name], r, signal, QUICK_TIMEOUT_MS, (line) => {
      // Lima exits 0 for a name it does not know; nixlima says so instead of claiming success.
      if (/^Ignoring non-existent instance/.test(line.msg)) missing = true;
    });
  } catch (err) {
    // Lima leaves a VM whose lima.yaml it cannot read; a forced delete finishes the job.
    if (!(opts.force && err instanceof NixlimaError && /NOT deleted/.test(err.detail ?? ""))) throw err;
    const vm = await inspectVm(l, name, r, signal);
    r.progress({ stage: "Removing what Lima left" });
    await removeRemains(vm, r);
  }
  if (missing) throw notFound(name);
}

/** argv (after the limactl path) for an interactive `limactl shell`; Lima passes CMD quoted. */
export function shellArgs(name: string, cmd: string[]): string[] {
  checkVmName(name);
  return cmd.length > 0 ? ["shell", name, "--", ...cmd] : ["shell", name];
}

/** One instance by name, or not-found. */
export async function inspectVm(l: Limactl, name: string, r: Reporter | undefined, signal?: AbortSignal): Promise<Vm> {
  checkVmName(name);
  const args = ["list", "--format", LIST_FORMAT, name];
  r?.log(`$ ${l.commandLine(["list", "--format", "…", name])}`);
  try {
    const [vm] = await withHostFacts(l, parseList((await l.run(args, { signal, timeoutMs: QUICK_TIMEOUT_MS })).stdout));
    if (vm) return vm;
  } catch (err) {
    if (!(err instanceof NixlimaError && err.code === "not-found")) throw err;
  }
  throw notFound(name);
}

/** start and restart: progress from the boot log; cancel stops the VM, because killing
 *  `limactl start` leaves the host agent and the VM running. */
async function bootLike(l: Limactl, args: string[], name: string, r: Reporter, signal: AbortSignal): Promise<void> {
  let command = args;
  for (let attempt = 1; ; attempt++) {
    try {
      await runLogged(l, command, r, signal, START_TIMEOUT_MS);
      return;
    } catch (err) {
      if (err instanceof NixlimaError && (err.code === "cancelled" || err.code === "timeout")) {
        r.progress({ stage: "Stopping after cancel" });
        await stopAfterCancel(l, name, r);
        throw err;
      }
      if (!(err instanceof NixlimaError && /^(exiting|degraded), status=/.test(err.message))) throw err;
      const failure = await explainStartFailure(name, err);
      // Lima picks the SSH port and its DNS port each as "free right now", so both can be the same
      // port and QEMU then cannot listen on it (seen in CI). A second start picks new ports.
      if (!failure.hostPortTaken || attempt >= 2) throw failure.error;
      r.log(`${failure.error.message} Starting again with new ports.`);
      r.progress({ stage: "Starting again" });
      command = ["start", name]; // a restart that failed to start is a stopped VM now
    }
  }
}

/**
 * A start cancelled at its very beginning can have a host agent that writes its pid file only
 * after the first `stop -f` looked: Lima then lists the VM as Broken ("host agent is running but
 * driver is not"). Stop again until it is Stopped (a few tries, a second apart).
 */
async function stopAfterCancel(l: Limactl, name: string, r: Reporter): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await runLogged(l, ["stop", "-f", name], r, undefined, QUICK_TIMEOUT_MS).catch((stopErr: unknown) => {
      r.log(`could not stop ${name}: ${stopErr instanceof Error ? stopErr.message : String(stopErr)}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const vm = await inspectVm(l, name, undefined).catch(() => undefined);
    if (!vm || vm.status === "Stopped") return;
    r.log(`${name} is ${vm.status} after the stop (${vm.errors.join("; ") || "no reason given"}); stopping again`);
  }
}

export async function runLogged(
  l: Limactl,
  args: string[],
  r: Reporter,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  onLine?: (line: LogLine) => void,
): Promise<void> {
  r.log(`$ ${l.commandLine(args)}`);
  try {
    await l.run(args, {
      signal,
      timeoutMs,
      onLogLine: (line) => {
        r.log(line.level === "info" ? line.msg : `${line.level}: ${line.msg}`);
        const p = progressFromLogLine(line);
        if (p) r.progress(p);
        onLine?.(line);
      },
    });
    r.log(`✓ limactl ${args[0]} ${args.at(-1)} finished`);
  } catch (err) {
    r.log(`✗ limactl ${args[0]} ${args.at(-1)}: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
}

export function refuseBroken(vm: Vm): void {
  if (vm.status === "Broken" || vm.status === "Unknown") {
    const missing = vm.errors.some((e) => /lima\.yaml: no such file/.test(e));
    throw new NixlimaError(
      "failed",
      `"${vm.name}" is broken: its configuration file (lima.yaml) ${missing ? "is missing" : "cannot be read"}, so Lima cannot run it.`,
      `Look at ${vm.dir}, or delete it with Force Delete (nixlima delete --force ${vm.name}).`,
      vm.errors.join("; ") || undefined,
    );
  }
}

/** After Lima failed on a name as if it did not exist: a Broken VM gets the truth and the way out. */
function brokenOrMissing(vm: Vm | undefined, name: string, action: string, err: NixlimaError): NixlimaError {
  if (!vm) return notFound(name);
  return new NixlimaError(
    "failed",
    `"${name}" cannot be ${action === "stop" ? "stopped" : action}: its configuration file (lima.yaml) cannot be read, so Lima no longer knows how to run it.`,
    `Delete it with Force Delete (nixlima delete --force ${name}) to remove what is left in ${vm.dir}.`,
    err.detail ?? err.message,
  );
}

export function notFound(name: string): NixlimaError {
  return new NixlimaError("not-found", `There is no VM named \`${name}\`.`, "Run `nixlima list` to see the VMs.");
}
