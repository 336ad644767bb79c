// The VM actions a job or the CLI runs: each checks the name before anything starts, logs every
// command line it runs, and turns limactl's stderr into progress.
import { NixlimaError } from "../errors";
import type { Progress, Vm } from "../protocol";
import { explainStartFailure } from "./hostagentLog";
import type { Limactl, LogLine } from "./limactl";
import { LIST_FORMAT, parseList, withHostFacts } from "./list";
import { checkVmName } from "./names";
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
    // Lima says "open …/NAME/lima.yaml: no such file or directory"; say it plainly.
    throw err instanceof NixlimaError && err.code === "not-found" ? notFound(name) : err;
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
  await runLogged(l, opts.force ? ["delete", "-f", name] : ["delete", name], r, signal, QUICK_TIMEOUT_MS, (line) => {
    // Lima exits 0 for a name it does not know; nixlima says so instead of claiming success.
    if (/^Ignoring non-existent instance/.test(line.msg)) missing = true;
  });
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
    const [vm] = withHostFacts(l, parseList((await l.run(args, { signal, timeoutMs: QUICK_TIMEOUT_MS })).stdout));
    if (vm) return vm;
  } catch (err) {
    if (!(err instanceof NixlimaError && err.code === "not-found")) throw err;
  }
  throw notFound(name);
}

/** start and restart: progress from the boot log; cancel stops the VM, because killing
 *  `limactl start` leaves the host agent and the VM running. */
async function bootLike(l: Limactl, args: string[], name: string, r: Reporter, signal: AbortSignal): Promise<void> {
  try {
    await runLogged(l, args, r, signal, START_TIMEOUT_MS);
  } catch (err) {
    if (err instanceof NixlimaError && (err.code === "cancelled" || err.code === "timeout")) {
      r.progress({ stage: "Stopping after cancel" });
      await runLogged(l, ["stop", "-f", name], r, undefined, QUICK_TIMEOUT_MS).catch((stopErr: unknown) => {
        r.log(`could not stop ${name}: ${stopErr instanceof Error ? stopErr.message : String(stopErr)}`);
      });
      throw err;
    }
    if (err instanceof NixlimaError && /^(exiting|degraded), status=/.test(err.message)) {
      throw await explainStartFailure(name, err);
    }
    throw err;
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
    throw new NixlimaError(
      "failed",
      `VM \`${vm.name}\` is broken: ${vm.errors[0] ?? "Lima cannot read it"}`,
      `Look at ${vm.dir}, or delete it with \`nixlima delete --force ${vm.name}\`.`,
    );
  }
}

export function notFound(name: string): NixlimaError {
  return new NixlimaError("not-found", `There is no VM named \`${name}\`.`, "Run `nixlima list` to see the VMs.");
}
