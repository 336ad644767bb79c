// The .vsix that `npm run package` makes holds what the extension runs and nothing else.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/lima";

const entries = execFileSync("unzip", ["-Z1", join(repoRoot, "dist/nixlima.vsix")], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean);
const files = entries.filter((e) => e.startsWith("extension/")).map((e) => e.slice("extension/".length));

test("holds the two bundles, media, templates, the flake, README, licence and manifest", () => {
  for (const f of ["dist/extension.cjs", "dist/helper.js", "media/nixlima.svg", "package.json"]) {
    assert.ok(files.includes(f), `${f} is packaged`);
  }
  assert.ok(files.some((f) => /^readme\.md$/i.test(f)), "the README is packaged");
  assert.ok(files.some((f) => /^LICENSE(\.txt)?$/.test(f)), "the licence is packaged");
  assert.ok(files.includes("nix/flake.nix"), "the flake is packaged");
  assert.ok(files.some((f) => f.startsWith("templates/") && f.endsWith(".yaml")), "templates are packaged");
});

test("holds no dependencies, sources, tests, source maps or caches", () => {
  const unwanted = files.filter(
    (f) => /(^|\/)node_modules\//.test(f) || /\.(ts|map)$/.test(f) || /^(extension|helper|test|bench|scripts|\.cache)\//.test(f),
  );
  assert.deepEqual(unwanted, []);
});
