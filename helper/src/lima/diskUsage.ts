// How much of the host's disk a VM really takes: its disk files are sparse, so the allocated
// blocks (not the nominal size Lima reports) are what the user gets back by deleting it.
import { statSync } from "node:fs";
import { join } from "node:path";

/** Lima's disk files in an instance folder: `disk` (Lima 2.x), `diffdisk` and `basedisk` (older). */
const DISK_FILES = ["disk", "diffdisk", "basedisk"];

/** Bytes allocated on the host for the VM's disk files; undefined when there are none. */
export function diskUsedBytes(dir: string): number | undefined {
  let total: number | undefined;
  for (const file of DISK_FILES) {
    try {
      const st = statSync(join(dir, file));
      total = (total ?? 0) + st.blocks * 512;
    } catch {
      // not there in this Lima version's layout
    }
  }
  return total;
}
