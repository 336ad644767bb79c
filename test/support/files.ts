// Every file under a folder, for tests that search what nixlima wrote (e.g. for a planted key).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export function filesUnder(dir: string, maxBytes = 64 * 1024 * 1024): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p, maxBytes);
    return e.isFile() && statSync(p).size < maxBytes ? [p] : [];
  });
}
