// Which file a write really lands in, and whether nixlima may write it at all. A config that is
// a link into a read-only store (home-manager puts ~/.ssh/config in /nix/store), or that is not
// writable, is never touched: the user gets the one line to add themselves.
import { constants } from "node:fs";
import { access, lstat, realpath, stat } from "node:fs/promises";
import { dirname } from "node:path";

export interface ConfigTarget {
  /** The path as given (what ssh and Remote-SSH are pointed at). */
  path: string;
  /** The file to replace: the link's target when `path` is a symlink. */
  realPath: string;
  exists: boolean;
  isSymlink: boolean;
  /** Why nixlima must not write it; undefined when it may. */
  readOnlyReason?: string;
}

export const readOnlyStores = ["/nix/store/", "/gnu/store/"];

export async function resolveTarget(path: string, stores: string[] = readOnlyStores): Promise<ConfigTarget> {
  const link = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (link === undefined) {
    const folder = await nearestExisting(dirname(path));
    const reason = (await writable(folder)) ? undefined : `its folder ${folder} is not writable`;
    return { path, realPath: path, exists: false, isSymlink: false, ...(reason ? { readOnlyReason: reason } : {}) };
  }
  const isSymlink = link.isSymbolicLink();
  const realPath = await realpath(path).catch(() => undefined);
  if (realPath === undefined) {
    return { path, realPath: path, exists: false, isSymlink, readOnlyReason: "it is a symbolic link to a file that does not exist" };
  }
  const base: ConfigTarget = { path, realPath, exists: true, isSymlink };
  const store = stores.find((s) => realPath.startsWith(s));
  if (store !== undefined) {
    return { ...base, readOnlyReason: `it is a link into the read-only store ${store} (managed by home-manager or your system configuration)` };
  }
  if (!(await stat(realPath)).isFile()) return { ...base, readOnlyReason: `${realPath} is not a regular file` };
  if (!(await writable(realPath))) return { ...base, readOnlyReason: `${realPath} is not writable` };
  if (!(await writable(dirname(realPath)))) {
    return { ...base, readOnlyReason: `its folder ${dirname(realPath)} is not writable, so the file cannot be replaced safely` };
  }
  return base;
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK).then(() => true, () => false);
}

async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    if (await access(d).then(() => true, () => false)) return d;
    if (dirname(d) === d) return d;
  }
}
