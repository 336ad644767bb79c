import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NixlimaError } from "../../src/errors";
import { firstError, imagesFromPackageNames, listFlakeImages } from "../../src/nix/flakeImages";
import { flakeRef } from "../../src/nix/flakeRef";
import { fixtures, tempNix } from "./nixEnv";

test("a real flake's images are listed from its package names, with their systems", async () => {
  const nix = tempNix();
  try {
    const images = await listFlakeImages({ flake: `path:${join(fixtures, "job-flake")}`, env: nix.env });
    const both = ["aarch64-linux", "x86_64-linux"];
    assert.deepEqual(images, [
      { image: "failing", systems: both },
      { image: "slow", systems: both },
      { image: "tiny", systems: both },
    ]);
  } finally {
    nix.dispose();
  }
});

test("a flake whose inputs cannot be fetched gives one clear sentence naming the flake", async () => {
  const nix = tempNix();
  const dir = mkdtempSync("/tmp/nlflake-");
  try {
    writeFileSync(join(dir, "flake.nix"), '{ inputs.gone.url = "path:/nonexistent/nixlima-input"; outputs = { self, gone }: { }; }\n');
    await assert.rejects(listFlakeImages({ flake: `path:${dir}`, env: nix.env }), (e: unknown) => {
      assert.ok(e instanceof NixlimaError);
      assert.equal(e.code, "failed");
      assert.match(e.message, new RegExp(`^Nix cannot evaluate the flake path:${dir}: .*nonexistent/nixlima-input.*\\.$`));
      assert.doesNotMatch(e.message, /\n|\u001b/);
      assert.match(e.hint ?? "", /nixlima\.flake/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    nix.dispose();
  }
});

test("without Nix the listing says to install it", async () => {
  await assert.rejects(
    listFlakeImages({ flake: `path:${join(fixtures, "job-flake")}`, nix: "/nonexistent/bin/nix" }),
    (e: unknown) => e instanceof NixlimaError && e.code === "not-found" && /Nix is not installed/.test(e.message),
  );
});

test("package names: only Linux systems and only `-image` packages count", () => {
  assert.deepEqual(
    imagesFromPackageNames({
      "x86_64-linux": ["dev-image", "agent-image", "agent-container"],
      "aarch64-linux": ["dev-image"],
      "aarch64-darwin": ["dev-image"],
      "riscv64-linux": ["odd-image"],
    }),
    [
      { image: "agent", systems: ["x86_64-linux"] },
      { image: "dev", systems: ["aarch64-linux", "x86_64-linux"] },
    ],
  );
});

test("Nix's first error line is found in old and new layouts", () => {
  assert.equal(firstError("warning: Git tree is dirty\nerror: getting status of '/x': No such file or directory\n"), "getting status of '/x': No such file or directory");
  assert.equal(firstError("error:\n       … while fetching the input 'path:/x'\n\n       error: unable to download 'https://x': Couldn't resolve host name (6)\n"), "unable to download 'https://x': Couldn't resolve host name (6)");
  assert.equal(firstError(""), "no error message");
});

test("the flake reference: the setting, else NIXLIMA_FLAKE, else the bundled nix/ beside the helper", () => {
  const repo = join(import.meta.dirname, "..", "..", "..");
  assert.equal(flakeRef("github:me/my-vms", {}), "github:me/my-vms");
  assert.equal(flakeRef(undefined, { NIXLIMA_FLAKE: "/srv/flake" }), "/srv/flake");
  assert.equal(flakeRef(undefined, {}, join(repo, "helper", "src", "main.ts")), `path:${join(repo, "nix")}`);
  assert.equal(flakeRef(" ", {}, join(repo, "dist", "helper.js")), `path:${join(repo, "nix")}`);
  assert.throws(() => flakeRef(undefined, {}, "/tmp/nowhere/helper.js"), /bundled flake was not found.*nixlima\.flake/);
});
