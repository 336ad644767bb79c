// A cross-process lock: a file created with O_EXCL that holds the owner's pid and host. A lock
// whose owner is gone (same host, pid dead) or that is older than `staleMs` is broken, under a
// second O_EXCL "break" file so two waiters never both break it and both enter.
import { hostname } from "node:os";
import { mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { NixlimaError } from "../errors";

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this is stale even if its owner cannot be checked (another host). */
  staleMs?: number;
}

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  await acquire(lockPath, opts.timeoutMs ?? 15_000, opts.staleMs ?? 60_000);
  try {
    return await fn();
  } finally {
    // Only our own lock: had we been judged stale, the file may now belong to someone else.
    if ((await readHolder(lockPath)) === owner()) await unlink(lockPath).catch(() => undefined);
  }
}

const owner = () => `${process.pid}@${hostname()}`;

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "wx", 0o600);
    await handle.writeFile(`${owner()}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

async function acquire(path: string, timeoutMs: number, staleMs: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    if (await tryCreate(path)) return;
    const holder = await readHolder(path);
    if (holder !== undefined && (await isStale(path, holder, staleMs))) {
      await breakStale(path, holder, staleMs);
      continue;
    }
    if (Date.now() > deadline) {
      throw new NixlimaError(
        "timeout",
        `Another nixlima process (${holder ?? "unknown"}) is still updating the ssh config; try again, or delete ${path} if no nixlima is running.`,
      );
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

async function readHolder(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch {
    return undefined; // released between our create attempt and this read
  }
}

async function isStale(path: string, holder: string, staleMs: number): Promise<boolean> {
  const [pidText, host] = holder.split("@");
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
  }
  try {
    return Date.now() - (await stat(path)).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

async function breakStale(path: string, holder: string, staleMs: number): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker))) {
    // Another waiter is breaking it; a breaker left by a crash is itself stale after staleMs.
    const age = await stat(breaker).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > staleMs) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    // Only remove the lock we judged stale, not one a faster waiter has taken since.
    if ((await readHolder(path)) === holder) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}
