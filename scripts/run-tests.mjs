// Finds the test files (Node 20's --test takes no globs) and runs them with node's test runner.
// Usage: node scripts/run-tests.mjs [--skip-vm] [DIR|FILE…]   (default: every suite)
// --skip-vm leaves out the *.vm.test.ts files, which boot a test VM (a minute or more each).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const skipVm = process.argv.includes("--skip-vm");
const roots = process.argv.slice(2).filter((a) => a !== "--skip-vm");
const dirs = roots.length > 0 ? roots : ["helper/test", "extension/test", "test"];

function find(dir) {
  if (dir.endsWith(".test.ts")) return [dir];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "fixtures" ? [] : find(path);
    return e.name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = dirs.flatMap(find).filter((f) => !(skipVm && f.endsWith(".vm.test.ts"))).sort();
if (files.length === 0) {
  console.error(`run-tests: no test files under ${dirs.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=1", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
