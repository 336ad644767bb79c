// What Lima leaves of a VM whose lima.yaml it cannot read: its folder, which `limactl delete -f`
// refuses to touch (it might be a clone in progress). A forced delete removes it, unless a process
// named by one of its pid files still runs: then it says which, and removes nothing.
import { readdir, readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";

interface Reporter {
  log(line: string): void;
}

/** The live processes a VM folder's `*.pid` files name (the host agent, QEMU, …). */
export async function liveProcesses(dir: string): Promise<{ file: string; pid: number }[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".pid"));
  const live: { file: string; pid: number }[] = [];
  for (const file of files) {
    const pid = Number((await readFile(join(dir, file), "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) live.push({ file, pid });
  }
  return live;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function removeRemains(vm: Vm, r: Reporter): Promise<void> {
  // Only the folder Lima lists for this very name, never a path it merely points to.
  if (basename(vm.dir) !== vm.name) throw new NixlimaError("failed", `"${vm.name}" lives in ${vm.dir}, which nixlima will not remove by itself.`);
  const live = await liveProcesses(vm.dir);
  if (live.length > 0) {
    const which = live.map((p) => `${p.file.replace(/\.pid$/, "")} (pid ${p.pid})`).join(", ");
    throw new NixlimaError(
      "failed",
      `"${vm.name}" was not deleted: ${which} still runs from ${vm.dir}.`,
      `Stop ${live.length === 1 ? "that process" : "those processes"} (kill ${live.map((p) => p.pid).join(" ")}), then Force Delete again.`,
    );
  }
  r.log(`$ rm -rf ${vm.dir}`);
  await rm(vm.dir, { recursive: true, force: true });
}
