// Runs a fixed shell script inside a running VM over Lima's own ssh config (`ssh -F
// <instance>/ssh.config lima-NAME`): no shell on the host, the script and its arguments quoted
// for the guest's login shell, and secrets only ever on ssh's stdin. A script meant for the agent
// user runs under `sudo -n -u USER -H --` (Lima's user only starts it; see sandboxWarning.ts).
import { execa, type ResultPromise } from "execa";
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";
import { limaSshConfigPath } from "../shared/limaSsh";
import { shellQuote } from "../shared/shellQuote";

/**
 * The remote command line: `bash -c SCRIPT NAME ARG…`, every word quoted, run as `runAs` through
 * non-interactive sudo when given. ssh joins its arguments with spaces and hands the result to
 * the remote login shell, so quoting here is what keeps an argument one argument.
 */
export function remoteCommand(script: string, name: string, args: string[], runAs?: string): string {
  const sudo = runAs === undefined ? [] : ["sudo", "-n", "-u", runAs, "-H", "--"];
  return [...sudo, "bash", "-c", script, name, ...args].map(shellQuote).join(" ");
}

export interface GuestSshOptions {
  /** Sent on ssh's stdin; the only way secrets reach the guest. */
  input?: string;
  /** Keep stdin open after `input` (a lifeline: the script may watch for its end). */
  keepStdinOpen?: boolean;
  timeoutMs?: number;
  /** Extra ssh options (a dispatch's reverse forward to its API proxy). */
  sshOptions?: string[];
  /** The guest user the script runs as (through sudo); Lima's user when absent. */
  runAs?: string;
}

export function sshArgv(vm: Vm, command: string, options: string[] = []): string[] {
  return [
    ...options,
    "-F",
    limaSshConfigPath(vm),
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=30",
    "-o",
    "ServerAliveInterval=15",
    vm.hostname,
    "--",
    command,
  ];
}

export function requireRunning(vm: Vm): void {
  if (vm.status !== "Running") {
    throw new NixlimaError("not-running", `VM \`${vm.name}\` is not running.`, `Start it with \`nixlima start ${vm.name}\`.`);
  }
}

/** Spawns ssh running `script` in the guest; the caller reads its streams and awaits it. */
export function spawnGuestScript(vm: Vm, script: string, args: string[], opts: GuestSshOptions = {}): ResultPromise {
  const child = execa("ssh", sshArgv(vm, remoteCommand(script, "nixlima", args, opts.runAs), opts.sshOptions), {
    reject: false,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    detached: true,
    ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
  });
  if (opts.input !== undefined) child.stdin.write(opts.input);
  if (!opts.keepStdinOpen) child.stdin.end();
  return child;
}

/** Runs a short script to completion and returns its stdout; a failure becomes a NixlimaError. */
export async function runGuestScript(vm: Vm, script: string, args: string[], timeoutMs = 60_000, runAs?: string): Promise<string> {
  const result = await execa("ssh", sshArgv(vm, remoteCommand(script, "nixlima", args, runAs)), {
    reject: false,
    stdin: "ignore",
    stripFinalNewline: false,
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.exitCode !== 0) {
    const last = String(result.stderr).trim().split("\n").at(-1) ?? "";
    throw new NixlimaError(
      result.timedOut ? "timeout" : "failed",
      `ssh to \`${vm.name}\` failed (${result.timedOut ? "timed out" : `exit code ${result.exitCode}`})${last ? `: ${last}` : "."}`,
    );
  }
  return String(result.stdout);
}
