import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseNixLogLine } from "../../src/nix/internalJson";
import { LINUX_BUILDER_WAYS, matchMissingBuilder, missingBuilderMessage } from "../../src/nix/missingBuilder";
import { fixtures } from "./nixEnv";

function errorsOf(name: string): string {
  return readFileSync(join(fixtures, name), "utf8")
    .split("\n")
    .map(parseNixLogLine)
    .flatMap((e) => (e?.action === "msg" && e.level === 0 ? [e.msg] : []))
    .join("\n");
}

test("Nix 2.8's error for a foreign system, recorded here, is recognised with its system", () => {
  assert.deepEqual(matchMissingBuilder(errorsOf("other-system.log")), { system: "aarch64-linux", features: [] });
});

test("Nix 2.8's error for a missing system feature, recorded here, names the feature", () => {
  const found = matchMissingBuilder(errorsOf("missing-feature.log"));
  assert.deepEqual(found?.features, ["nixlima-no-such-feature"]);
});

// Texts of later Nix generations, written as Nix's sources format them (no such Nix here).
const laterGenerations: [string, string, string | undefined, string[]][] = [
  [
    "2.30-2.33",
    "error: Cannot build '/nix/store/aaa-img.drv'.\n       Reason: required system or feature not available\n       Required system: 'aarch64-linux' with features {kvm}\n       Current system: 'aarch64-darwin' with features {apple-virt, benchmark, big-parallel, nixos-test}",
    "aarch64-linux",
    ["kvm"],
  ],
  [
    ">=2.34 platform",
    "error: Cannot build '/nix/store/aaa-img.drv'.\n       Reason: platform mismatch\n       Required system: 'x86_64-linux'\n       Current system: 'aarch64-darwin'",
    "x86_64-linux",
    [],
  ],
  [
    ">=2.34 features",
    "error: Cannot build '/nix/store/aaa-img.drv'.\n       Reason: missing system features\n       Required features: {kvm}\n       Available features: {benchmark, big-parallel}",
    undefined,
    ["kvm"],
  ],
  ["max-jobs 0", "error: Cannot build '/nix/store/aaa-img.drv'.\n       Reason: local builds are disabled (max-jobs = 0)", undefined, []],
  [
    "remote",
    "Failed to find a machine for remote build!\nderivation: aaa-img.drv\nrequired (system, features): (aarch64-linux, [kvm])\n1 available machines:\n(systems, maxjobs, supportedFeatures, mandatoryFeatures)\n([x86_64-linux], 4, [], [])",
    "aarch64-linux",
    ["kvm"],
  ],
];

for (const [generation, text, system, features] of laterGenerations) {
  test(`Nix ${generation}: recognised`, () => {
    const found = matchMissingBuilder(text);
    assert.ok(found, "not recognised");
    assert.equal(found.system, system);
    assert.deepEqual(found.features, features);
  });
}

test("ordinary build failures are not mistaken for a missing builder", () => {
  assert.equal(matchMissingBuilder(errorsOf("failing.log")), undefined);
  assert.equal(matchMissingBuilder("error: attribute 'dev-image' missing"), undefined);
});

test("on Linux the advice is Linux's own: the kvm feature, emulation or a remote machine, never nix-darwin", () => {
  const msg = missingBuilderMessage("aarch64-linux", ["kvm"], "linux");
  assert.match(msg, /^No Nix builder here can build aarch64-linux with the kvm feature: /);
  for (const way of ["system-features", "boot.binfmt.emulatedSystems", "remote Linux machine"]) assert.ok(msg.includes(way), way);
  assert.doesNotMatch(msg, /darwin/);
});

test("on macOS the message names the system, the feature and the three ways to get a builder", () => {
  const msg = missingBuilderMessage("aarch64-linux", ["kvm"], "darwin");
  assert.match(msg, /^No Nix builder here can build aarch64-linux with the kvm feature: /);
  for (const way of ["nix.linux-builder", "builder VM", "remote Linux machine"]) assert.ok(msg.includes(way), way);
  assert.ok(msg.endsWith(`${LINUX_BUILDER_WAYS}.`));
});
