// Some code-server releases (4.96.4) pin a VS Code dependency to a GitHub commit in
// lib/vscode/npm-shrinkwrap.json, which the postinstall then fetches: there is no GitHub here.
// For each such entry whose exact tarball (same integrity hash) is also on the npm registry,
// point the shrinkwrap at the registry instead; anything else is left for npm to report.
// Usage: node code-server-git-deps.mjs PATH/TO/npm-shrinkwrap.json
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
if (!existsSync(file)) process.exit(0);
const shrinkwrap = JSON.parse(readFileSync(file, "utf8"));
let changed = 0;
for (const [path, entry] of Object.entries(shrinkwrap.packages ?? {})) {
  if (!/^git\+/.test(entry.resolved ?? "") || !entry.version || !entry.integrity) continue;
  const name = path.replace(/^.*node_modules\//, "");
  const dist = JSON.parse(execFileSync("npm", ["view", `${name}@${entry.version}`, "dist", "--json"], { encoding: "utf8" }) || "{}");
  if (dist.integrity !== entry.integrity) continue;
  console.log(`${name}@${entry.version}: from the npm registry instead of ${entry.resolved}`);
  entry.resolved = dist.tarball;
  changed++;
}
if (changed > 0) writeFileSync(file, JSON.stringify(shrinkwrap, null, 2) + "\n");
