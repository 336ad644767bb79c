// The .vsix that `npm run package` makes holds what the extension runs and nothing else.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/lima";

const entries = execFileSync("unzip", ["-Z1", join(repoRoot, "dist/nixlima.vsix")], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean);
const files = entries.filter((e) => e.startsWith("extension/")).map((e) => e.slice("extension/".length));

const unzip = (entry: string) => execFileSync("unzip", ["-p", join(repoRoot, "dist/nixlima.vsix"), `extension/${entry}`], { encoding: "utf8" });
const manifest = JSON.parse(unzip("package.json")) as Record<string, unknown> & {
  icon?: string;
  contributes: { walkthroughs?: { steps: { media: { markdown?: string } }[] }[] };
};

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

test("the README is the Marketplace page: what nixlima is and a screenshot that is packaged, no set-up commands", () => {
  const readme = unzip("readme.md");
  assert.equal(readme, readFileSync(join(repoRoot, "MARKETPLACE.md"), "utf8"));
  const firstLines = readme.split("\n").slice(0, 12).join("\n");
  assert.match(firstLines, /NixOS virtual machines under \[Lima\]/);
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(images.length > 0, "the README shows a screenshot");
  for (const image of images) assert.ok(files.includes(image), `${image}, shown in the README, is packaged`);
  assert.doesNotMatch(readme, /npm (ci|start|test)/, "no developer commands");
});

test("the manifest has an icon of 128 px or more, repository, bugs, a banner and fitting categories", () => {
  assert.ok(manifest.icon && files.includes(manifest.icon), `the icon ${manifest.icon} is packaged`);
  const png = Buffer.from(execFileSync("unzip", ["-p", join(repoRoot, "dist/nixlima.vsix"), `extension/${manifest.icon}`]));
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(width >= 128 && height >= 128, `icon is ${width}x${height}`);
  assert.match(JSON.stringify(manifest.repository), /^\{"type":"git","url":"https:\/\/github\.com\//);
  assert.match(JSON.stringify(manifest.bugs), /https:\/\/github\.com\/.*\/issues/);
  assert.ok(manifest.galleryBanner, "a gallery banner");
  assert.ok(Array.isArray(manifest.categories) && !(manifest.categories as string[]).every((c) => c === "Other"), "categories beyond Other");
});

test("the walkthrough's step pages are packaged", () => {
  const steps = manifest.contributes.walkthroughs?.flatMap((w) => w.steps) ?? [];
  assert.ok(steps.length >= 4, `${steps.length} walkthrough steps`);
  for (const step of steps) assert.ok(step.media.markdown && files.includes(step.media.markdown), `${step.media.markdown} is packaged`);
});
