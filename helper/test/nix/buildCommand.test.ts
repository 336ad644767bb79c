import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildCommand } from "../../src/cli/commands/build";
import { fixtures, tempNix } from "./nixEnv";
import { captureCli } from "../../../test/support/cliCapture";

function run(args: string[], env: NodeJS.ProcessEnv) {
  return captureCli((io) => buildCommand.run(args, io), env);
}

const hostSystem = process.arch === "arm64" ? "aarch64-linux" : "x86_64-linux";
const foreignSystem = process.arch === "arm64" ? "x86_64-linux" : "aarch64-linux";

test("nixlima build builds the flake's image with progress and installs it for Lima", async () => {
  // The builder check asks for kvm (disk images need it); say this machine has it, as a user
  // without access to /dev/kvm would not get it detected. The tiny image does not use it.
  const nix = tempNix(["system-features = benchmark big-parallel kvm"]);
  const limaHome = mkdtempSync("/tmp/nl-");
  try {
    const flake = `path:${join(fixtures, "flake")}`;
    const r = await run(["tiny", "--flake", flake, "--system", hostSystem, "--json"], { ...nix.env, LIMA_HOME: limaHome });
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /building tiny-image \(installPhase\)/);
    const result = JSON.parse(r.out);
    assert.equal(result.system, hostSystem);
    assert.match(result.outPath, /-tiny-image$/);
    assert.equal(readlinkSync(result.latest), result.path.slice(result.path.lastIndexOf("/") + 1));
    assert.ok(result.path.startsWith(join(limaHome, "_images", `nixlima-tiny-${hostSystem.split("-")[0]}-`)));
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
    nix.dispose();
  }
});

test("a system no builder here can build stops before Nix runs, naming the ways to get one", async () => {
  const nix = tempNix(["builders ="]);
  try {
    const r = await run(["tiny", "--flake", `path:${join(fixtures, "flake")}`, "--system", foreignSystem], nix.env);
    assert.equal(r.code, 1);
    // Linux advice on this Linux host: emulation or a remote machine, not nix-darwin's linux-builder.
    assert.match(r.err, new RegExp(`^nixlima: No Nix builder here can build ${foreignSystem} with the kvm feature: .*binfmt\\.emulatedSystems.*remote Linux machine`));
    assert.doesNotMatch(r.err, /linux-builder/);
  } finally {
    nix.dispose();
  }
});

test("usage errors: a bad image name or system is refused with exit code 2", async () => {
  const nix = tempNix();
  try {
    const bad = await run(["../x"], nix.env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not a valid image name/);
    const system = await run(["dev", "--system", "riscv64-linux"], nix.env);
    assert.equal(system.code, 2);
    assert.match(system.err, /use aarch64-linux or x86_64-linux/);
  } finally {
    nix.dispose();
  }
});
