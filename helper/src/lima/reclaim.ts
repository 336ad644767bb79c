// "Reclaim Space…": what can go, with what it takes on the host — stopped VMs nobody started for
// N days (never a protected one), built images that are not the latest, and Lima's download
// cache. Nothing is deleted here: the user ticks what goes, and the usual delete paths run.
import { readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ReclaimItem, StoredImage, Vm } from "../protocol";

const DAY_MS = 24 * 60 * 60_000;

/** Lima's download cache: os.UserCacheDir()/lima/download, as Lima computes it. */
export function limaDownloadCache(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  const cache = platform === "darwin" ? join(home, "Library", "Caches") : env.XDG_CACHE_HOME || join(home, ".cache");
  return join(cache, "lima", "download");
}

/** When the VM last ran: the newest file in its folder (Lima rewrites its logs and sockets on every start). */
export function lastUsed(dir: string): number | undefined {
  let newest: number | undefined;
  for (const name of safeReaddir(dir)) {
    const mtime = safeStat(join(dir, name))?.mtimeMs;
    if (mtime !== undefined && (newest === undefined || mtime > newest)) newest = mtime;
  }
  return newest;
}

/** Bytes allocated under `path` (files, recursively). */
export function allocatedBytes(path: string): number {
  const st = safeStat(path);
  if (!st) return 0;
  if (!st.isDirectory()) return st.blocks * 512;
  return safeReaddir(path).reduce((sum, name) => sum + allocatedBytes(join(path, name)), 0);
}

export function reclaimCandidates(input: { vms: Vm[]; images: StoredImage[]; env: NodeJS.ProcessEnv; days: number; now?: number }): ReclaimItem[] {
  const now = input.now ?? Date.now();
  const items: ReclaimItem[] = [];
  for (const vm of input.vms) {
    if (vm.status !== "Stopped" || vm.protected || !vm.dir) continue;
    const used = lastUsed(vm.dir);
    if (used === undefined || now - used < input.days * DAY_MS) continue;
    const days = Math.floor((now - used) / DAY_MS);
    items.push({ kind: "vm", id: vm.name, label: vm.name, detail: `stopped VM, not started for ${days} days`, sizeBytes: vm.diskUsedBytes ?? allocatedBytes(vm.dir) });
  }
  for (const image of input.images) {
    if (image.latest) continue;
    items.push({ kind: "image", id: image.path, label: `${image.image} ${image.arch} ${image.date}`, detail: "built image, not the latest", sizeBytes: allocatedBytes(image.path) });
  }
  const cache = limaDownloadCache(input.env);
  const cacheBytes = allocatedBytes(cache);
  if (cacheBytes > 0) items.push({ kind: "cache", id: cache, label: "Lima's download cache", detail: cache, sizeBytes: cacheBytes });
  return items;
}

/** Empties Lima's download cache (Lima downloads an image again when a VM needs it). */
export function clearLimaDownloadCache(env: NodeJS.ProcessEnv): void {
  rmSync(limaDownloadCache(env), { recursive: true, force: true });
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeStat(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
