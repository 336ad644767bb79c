import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildersFromConfig, detectBuilders, parseMachines, placesFor, requireBuilder } from "../../src/nix/builders";
import { NixlimaError } from "../../src/errors";
import { tempNix } from "./nixEnv";

test("the default: builders = @NIX_CONF_DIR/machines, a machines file with comments and `-` fields", async () => {
  const nix = tempNix();
  try {
    writeFileSync(
      join(nix.dir, "conf", "machines"),
      [
        "# nix-darwin's linux-builder, as written to /etc/nix/machines",
        "ssh-ng://builder@linux-builder aarch64-linux,x86_64-linux /etc/nix/builder_ed25519 4 1 kvm,benchmark,big-parallel - c3NoLWVkMjU1MTkgQUFBQQ==",
        "",
        "ssh://me@box x86_64-linux - - - - -",
      ].join("\n"),
    );
    const b = await detectBuilders({ env: nix.env });
    assert.equal(b.system, process.arch === "arm64" ? "aarch64-linux" : "x86_64-linux");
    assert.deepEqual(
      b.machines.map((m) => [m.uri, m.systems, m.sshKey, m.maxJobs, m.supportedFeatures, m.mandatoryFeatures]),
      [
        ["ssh-ng://builder@linux-builder", ["aarch64-linux", "x86_64-linux"], "/etc/nix/builder_ed25519", 4, ["kvm", "benchmark", "big-parallel"], []],
        ["ssh://me@box", ["x86_64-linux"], undefined, 1, [], []],
      ],
    );
    assert.deepEqual(
      placesFor(b, "aarch64-linux", ["kvm"]).map((p) => p.name),
      ["ssh-ng://builder@linux-builder"],
    );
  } finally {
    nix.dispose();
  }
});

test("inline builders separated by `;` and an @file next to them, as nix.conf allows", async () => {
  const nix = tempNix();
  try {
    const extra = join(nix.dir, "more-machines");
    writeFileSync(extra, "ssh://arm aarch64-linux /k 2 1 big-parallel kvm\n");
    writeFileSync(nix.confFile, `builders = ssh://a x86_64-linux ; @${extra} ; @${nix.dir}/missing\nmax-jobs = 0\n`, { flag: "a" });
    const b = await detectBuilders({ env: nix.env });
    assert.equal(b.maxJobs, 0);
    assert.deepEqual(
      b.machines.map((m) => [m.uri, m.systems, m.mandatoryFeatures]),
      [
        ["ssh://a", ["x86_64-linux"], []],
        ["ssh://arm", ["aarch64-linux"], ["kvm"]],
      ],
    );
    // With max-jobs = 0 this machine does not build locally, even for its own system.
    assert.deepEqual(
      placesFor(b, b.system).map((p) => p.kind),
      b.system === "x86_64-linux" ? ["remote"] : [],
    );
    assert.deepEqual(placesFor(b, "aarch64-linux", ["kvm"]).map((p) => p.name), ["ssh://arm"]);
  } finally {
    nix.dispose();
  }
});

test("no builders at all: the local system is buildable, a foreign one fails with the clear message", async () => {
  const nix = tempNix(["builders ="]);
  try {
    const b = await detectBuilders({ env: nix.env });
    assert.deepEqual(b.machines, []);
    assert.deepEqual(requireBuilder(b, b.system).map((p) => p.kind), ["local"]);
    const foreign = b.system === "x86_64-linux" ? "aarch64-linux" : "x86_64-linux";
    assert.throws(
      () => requireBuilder(b, foreign, ["kvm"]),
      (err: unknown) =>
        err instanceof NixlimaError && err.message.startsWith(`No Nix builder here can build ${foreign} with the kvm feature`),
    );
  } finally {
    nix.dispose();
  }
});

test("a missing feature on the only builder is a missing builder", async () => {
  const b = await buildersFromConfig({
    system: { value: "aarch64-darwin" },
    "system-features": { value: "apple-virt benchmark big-parallel nixos-test" },
    "extra-platforms": { value: "x86_64-darwin" },
    "max-jobs": { value: 8 },
    builders: { value: "ssh-ng://builder@linux-builder aarch64-linux /k 4 1 benchmark" },
  });
  assert.deepEqual(placesFor(b, "aarch64-linux"), [{ kind: "remote", name: "ssh-ng://builder@linux-builder" }]);
  assert.deepEqual(placesFor(b, "aarch64-linux", ["kvm"]), []);
});

test("external-builders (Nix ≥ 2.32, Determinate) count for their systems", async () => {
  // `nix config show --json` of Nix with external builders: the value is the JSON text.
  const b = await buildersFromConfig({
    system: "aarch64-darwin",
    "system-features": ["benchmark"],
    "max-jobs": "auto",
    builders: "",
    "external-builders":
      '[{"systems":["aarch64-linux","x86_64-linux"],"program":"/usr/local/bin/determinate-nixd","args":["builder"]}]',
  });
  assert.deepEqual(placesFor(b, "x86_64-linux").map((p) => p.kind), ["external"]);
  assert.deepEqual(placesFor(b, "riscv64-linux"), []);
});

test("machines text: base64 host keys and blank fields do not shift columns", async () => {
  const [m] = await parseMachines("  ssh://h   aarch64-linux   -   6   2   kvm   kvm   AAAA==  ");
  assert.deepEqual(m, {
    uri: "ssh://h",
    systems: ["aarch64-linux"],
    maxJobs: 6,
    speedFactor: 2,
    supportedFeatures: ["kvm"],
    mandatoryFeatures: ["kvm"],
  });
});
