// Bundle sizes of the production build (what the .vsix ships).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../test/support/lima";
import { report } from "./stats";

export function benchBundle(): void {
  const out = mkdtempSync(join(tmpdir(), "nixlima-bundle-"));
  try {
    execFileSync(process.execPath, [join(repoRoot, "scripts/build.mjs"), "--production", "--outdir", out], { cwd: repoRoot, stdio: "inherit" });
    const kb = (f: string) => statSync(join(out, f)).size / 1024;
    report("bundle (production)", {
      "dist/extension.cjs (KB; goal < 250)": kb("extension.cjs"),
      "dist/helper.js (KB)": kb("helper.js"),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
