// Recognises the Include line a user added by hand (the way to go when the config is read-only,
// e.g. home-manager's `programs.ssh.includes`), so that sync accepts it instead of refusing.
import { join } from "node:path";
import type { BlockScan } from "./managedBlock";
import { readDirective } from "./configLines";

/** True when a line outside the block, before every Host/Match, Includes `nixlimaConfigPath`. */
export function hasManualInclude(scan: BlockScan, nixlimaConfigPath: string, home: string): boolean {
  const limit = scan.firstSection === -1 ? scan.lines.length : scan.firstSection;
  for (let i = 0; i < limit; i++) {
    if (scan.block && i >= scan.block.start && i <= scan.block.end) continue;
    const d = readDirective(scan.lines[i]!.text);
    if (d?.keyword !== "include") continue;
    for (const v of d.values) {
      const unescaped = v.replace(/\\(.)/g, "$1");
      const path = unescaped.startsWith("~/") ? join(home, unescaped.slice(2)) : unescaped;
      if (path === nixlimaConfigPath) return true;
    }
  }
  return false;
}
