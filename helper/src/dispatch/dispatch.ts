// Runs a coding agent inside a VM with its autonomous flag, optionally round after round until
// it writes the done marker, with a wall-clock limit and a stop that kills the agent in the guest
// too; reports the exit status, duration and the diff it left. By default the host project is
// cloned into the guest and the agent's work comes back as a branch (taskWorkspace.ts). The
// Anthropic and OpenAI keys never enter the VM: the agent reaches a host proxy with a per-task
// token (taskKeys.ts); that token and any other secret travel only on ssh's stdin (see
// remoteScript.ts), never in argv, files, YAML or the log.
import { randomBytes } from "node:crypto";
import { recordDispatch } from "../audit/agentFacts";
import { NixlimaError } from "../errors";
import type { Reporter } from "../lima/operations";
import { DispatchOptions, type DispatchResult, type Vm } from "../protocol";
import { signalGroup } from "../proc/processGroup";
import { limaSshConfigPath } from "../shared/limaSsh";
import { followGuestReport } from "./guestReport";
import { sandboxGate } from "./sandboxWarning";
import { requireRunning, runGuestScript, spawnGuestScript } from "./guestSsh";
import { DISPATCH_SCRIPT, DONE_MARKER, REAP_SCRIPT, STOP_SCRIPT } from "./remoteScript";
import { taskKeys } from "./taskKeys";
import { TaskMeter } from "./taskMeter";
import { collectWork, prepareWorkspace, type TaskWorkspace } from "./taskWorkspace";

/** After the stop script and the closed lifeline, how long the local ssh has before SIGKILL. */
const SSH_STOP_GRACE_MS = 10_000;

function checkSecrets(secrets: Record<string, string>): void {
  for (const [name, value] of Object.entries(secrets)) {
    // Only credentials: a "secret" named PATH, LD_PRELOAD or BASH_ENV would change what runs.
    if (!/^[A-Z][A-Z0-9_]*_(API_KEY|TOKEN|KEY)$/.test(name)) {
      throw new NixlimaError("usage", `${JSON.stringify(name)} is not a credential variable; dispatch passes only names ending in _API_KEY, _TOKEN or _KEY.`);
    }
    // The value is never shown: it is a secret.
    if (/[\0\r\n]/.test(value) || value.length === 0) {
      throw new NixlimaError("usage", `The value of ${name} is empty or contains a line break.`, `Set ${name} to the key alone, on one line.`);
    }
  }
}

/** A job's reporter; `output` (when given) gets the agent's own lines, else they go to `log`. */
export interface DispatchReporter extends Reporter {
  output?(line: string, stream: "stdout" | "stderr"): void;
  /** A warning people must see (the CLI prints it to stderr); else it goes to `log`. */
  warn?(message: string): void;
}

export async function dispatch(
  vm: Vm,
  options: DispatchOptions,
  secrets: Record<string, string>,
  r: DispatchReporter,
  signal: AbortSignal,
): Promise<DispatchResult> {
  const opts = DispatchOptions.parse(options);
  checkSecrets(secrets);
  requireRunning(vm);
  if (signal.aborted) throw new NixlimaError("cancelled", "The dispatch was cancelled before it started.");
  const runId = randomBytes(8).toString("hex");
  const task = runId.slice(0, 8);
  const { warning, runAs } = await sandboxGate(vm, opts.notSandboxed === true, (line) => r.log(line));
  if (warning && r.warn) r.warn(warning);
  else if (warning) r.log(`warning: ${warning}`);
  const started = Date.now();
  await recordDispatch(vm, started);
  const ws = await prepareWorkspace(vm, opts, task, r, runAs);
  const requestedWorkdir = ws.workdir;

  const meter = new TaskMeter(opts, `${opts.agent} in ${vm.name}`, r);
  const counted = meter.counting(r);
  const { seen, exitCode, stopReason, proxied } = await runAgent(vm, opts, runId, ws, secrets, counted, { signal, meter });
  if (ws.runAs) await reapAgentUser(vm, ws.runAs, counted);

  if (!stopReason && seen.error === "workdir") {
    const who = ws.runAs ? ` or its agent user ${ws.runAs} cannot enter it` : "";
    throw new NixlimaError("not-found", `The folder ${requestedWorkdir || "~"} does not exist in VM \`${vm.name}\`${who}.`, "Pass an existing guest folder with --workdir.");
  }
  if (!stopReason && seen.workdir === undefined) {
    throw new NixlimaError("failed", `ssh to \`${vm.name}\` failed (exit code ${exitCode})${seen.lastSshLine ? `: ${seen.lastSshLine}` : "."}`, `Check that \`nixlima shell ${vm.name}\` works.`);
  }
  const workdir = seen.workdir ?? requestedWorkdir;
  counted.progress({ stage: "Collecting the diff" });
  const work = await collectWork(vm, ws, task, seen, DONE_MARKER, counted);
  const outcome = stopReason ?? (seen.outcome === "done" || seen.outcome === "finished" || seen.outcome === "failed" ? seen.outcome : "failed");
  const durationMs = Date.now() - started;
  r.progress(meter.progress({ stage: `Agent ${outcome}`, fraction: 1 }, `${seen.round} round${seen.round === 1 ? "" : "s"}, ${Math.round(durationMs / 1000)} s`));
  return {
    vm: vm.name,
    agent: opts.agent,
    outcome,
    ...(proxied ? { usage: meter.usage() } : {}),
    ...(opts.maxTokens === undefined ? {} : { maxTokens: opts.maxTokens }),
    ...(opts.maxCostUsd === undefined ? {} : { maxCostUsd: opts.maxCostUsd }),
    exitCode: stopReason ? null : seen.exit,
    rounds: seen.round,
    durationMs,
    workdir,
    ...work,
  };
}

/** Ends what the agent user left running (REAP_SCRIPT), before its work is collected. */
async function reapAgentUser(vm: Vm, user: string, r: Reporter): Promise<void> {
  try {
    const ended = Number((await runGuestScript(vm, REAP_SCRIPT, [user], 30_000)).trim());
    if (ended > 0) r.log(`ended ${ended} process${ended === 1 ? "" : "es"} the agent user ${user} left running after the task`);
  } catch (err) {
    r.log(`could not end what the agent user ${user} left running: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Runs the dispatch script over ssh: the API keys stay in the host's proxy for the run's length;
 * the guest gets, on stdin, the proxy's base URLs and token (and any other secret as given).
 */
async function runAgent(vm: Vm, opts: DispatchOptions, runId: string, ws: TaskWorkspace, secrets: Record<string, string>, r: DispatchReporter, stops: { signal: AbortSignal; meter: TaskMeter }) {
  const { workdir, runAs } = ws;
  const rounds = opts.loop ?? 1;
  const { signal, meter } = stops;
  const keys = await taskKeys(secrets, meter.budget);
  if (!keys.proxied && meter.budget.limited()) {
    const why = "The budget counts only requests through nixlima's key proxy, and no API key was given: it cannot be enforced for this task.";
    if (r.warn) r.warn(why);
    else r.log(`warning: ${why}`);
  }
  try {
    r.progress({ stage: "Connecting", message: vm.name });
    const proxied = Object.keys(secrets).filter((k) => !keys.unproxied.includes(k));
    r.log(`$ ssh -F ${limaSshConfigPath(vm)} ${keys.sshOptions.join(" ")} ${vm.hostname} -- ${runAs ? `sudo -n -u ${runAs} -H -- ` : ""}bash -c <dispatch script> (agent ${opts.agent}, run ${runId}, up to ${rounds} round${rounds === 1 ? "" : "s"}, workdir ${workdir || "~"}; keys kept on the host behind a proxy: ${proxied.join(", ") || "none"}; into the VM as given: ${keys.unproxied.join(", ") || "none"})`);
    const input = `${Object.entries(keys.guestEnv).map(([k, v]) => `${k}=${v}\n`).join("")}\n${Buffer.from(opts.prompt).toString("base64")}\n`;
    const child = spawnGuestScript(vm, DISPATCH_SCRIPT, [runId, opts.agent, workdir, String(rounds), DONE_MARKER], { input, keepStdinOpen: true, sshOptions: keys.sshOptions, runAs });
    const seen = followGuestReport(child.stdout!, child.stderr!, `@nixlima-${runId}`, {
      output: (line, stream) => (r.output ? r.output(line, stream) : r.log(line)),
      round: (round) => meter.round(round, rounds),
    });
    const ended = await runUntilStopped(vm, { runId, runAs }, child, { signal, timeoutMs: opts.timeoutMs, spent: meter.spent.signal }, r);
    return { seen, proxied: keys.proxied, ...ended };
  } finally {
    await keys.close();
  }
}

type GuestRun = ReturnType<typeof spawnGuestScript>;

type StopReason = "stopped" | "timeout" | "budget";
const STOPPING: Record<StopReason, string> = { stopped: "Stopping the agent", timeout: "Time is up: stopping the agent", budget: "The budget is used: stopping the agent" };

/**
 * Waits for the run to end; a cancel, the time limit or the used budget stops the agent in the guest first
 * (its process group gets SIGTERM, then SIGKILL, sent as the user it runs as: under sudo the
 * agent's processes are that user's, and sudo ends with them), then closes the lifeline on stdin.
 */
async function runUntilStopped(vm: Vm, run: { runId: string; runAs?: string | undefined }, child: GuestRun, stops: { signal: AbortSignal; timeoutMs: number | undefined; spent: AbortSignal }, r: Reporter) {
  const { runId, runAs } = run;
  const { signal, timeoutMs, spent } = stops;
  let stopReason: StopReason | undefined;
  const stop = async (why: StopReason) => {
    if (stopReason) return;
    stopReason = why;
    r.progress({ stage: STOPPING[why] });
    r.log(`stopping run ${runId} in ${vm.name}: its process group in the guest gets SIGTERM, then SIGKILL`);
    await runGuestScript(vm, STOP_SCRIPT, [runId], 30_000, runAs).catch((err: unknown) => r.log(`could not stop the agent over ssh: ${err instanceof Error ? err.message : String(err)}`));
    child.stdin?.end(); // the lifeline: the guest kills the run when it closes, even if the above failed
    setTimeout(() => signalGroup(child.pid, "SIGKILL"), SSH_STOP_GRACE_MS).unref();
  };
  const onAbort = () => void stop("stopped");
  const onSpent = () => void stop("budget");
  signal.addEventListener("abort", onAbort, { once: true });
  spent.addEventListener("abort", onSpent, { once: true });
  if (spent.aborted) onSpent();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => void stop("timeout"), timeoutMs);
  try {
    const result = await child;
    return { exitCode: result.exitCode ?? result.signal, stopReason };
  } finally {
    signal.removeEventListener("abort", onAbort);
    spent.removeEventListener("abort", onSpent);
    if (timer) clearTimeout(timer);
    child.stdin?.end();
  }
}
