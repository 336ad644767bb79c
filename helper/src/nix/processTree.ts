// Finds and signals a process and all its descendants. Nix starts each builder in its own
// session, so killing Nix's process group alone would leave builders running.
import { execa } from "execa";

/** pid → parent pid for every process, from `ps` (Linux and macOS). */
async function parentMap(): Promise<Map<number, number>> {
  const { stdout } = await execa("ps", ["-A", "-o", "pid=", "-o", "ppid="], { reject: false });
  const parents = new Map<number, number>();
  for (const line of String(stdout).split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid !== undefined && Number.isFinite(ppid)) parents.set(pid, ppid);
  }
  return parents;
}

/** `root` and every process below it, parents before children. */
export async function processTree(root: number): Promise<number[]> {
  const parents = await parentMap();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
