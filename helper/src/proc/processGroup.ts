// Stopping what the helper started: every long-running child (limactl, nixos-rebuild over ssh,
// a dispatch's ssh) is started detached, as the leader of its own process group, so a cancel or a
// timeout reaches the whole tree it started, not just the first process.

/** How long a process group has to end after SIGTERM before it gets SIGKILL. */
export const KILL_GRACE_MS = 3000;

/** Signals the process group led by `pid`; a group that is already gone is not an error. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** SIGTERM to the group now, SIGKILL after `graceMs` to whatever of it is left. */
export function stopGroup(pid: number | undefined, graceMs: number = KILL_GRACE_MS): void {
  signalGroup(pid, "SIGTERM");
  setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs).unref();
}
