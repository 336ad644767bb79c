// Replaces a file's content so readers only ever see the old or the new bytes: a temp file in
// the same folder (same filesystem, so rename is atomic), fsynced, then renamed over the target.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** Mode for a file that does not exist yet; an existing file keeps its own mode. */
  newFileMode?: number;
  /** Mode for folders created on the way (recursively). */
  dirMode?: number;
}

/** Writes `data` to `path` atomically. Returns false (and leaves the file and its mtime alone) when the bytes are already the same. */
export async function writeFileAtomic(path: string, data: Buffer, opts: AtomicWriteOptions = {}): Promise<boolean> {
  const current = await readIfExists(path);
  if (current !== undefined && current.equals(data)) return false;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o700 });
  const mode = current === undefined ? (opts.newFileMode ?? 0o600) : (await stat(path)).mode & 0o7777;
  const temp = join(dir, `.${basename(path)}.nixlima-${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() applies the umask; the file must end with exactly the mode we chose.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return true;
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
