// The doctor's checks on this real machine: real ssh, a real ssh config, real device files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runDoctor } from "../../src/doctor";
import { flakeCheck } from "../../src/doctor/nixChecks";
import { sshChecks } from "../../src/doctor/sshChecks";
import { fixtures, tempNix } from "../nix/nixEnv";
import { virtualizationCheck, vzAvailable } from "../../src/doctor/virtualization";
import { limactlPath } from "../../../test/support/lima";

test("vz needs macOS 13.5 or newer", () => {
  assert.equal(vzAvailable("13.4.1"), false);
  assert.equal(vzAvailable("13.5"), true);
  assert.equal(vzAvailable("15.0"), true);
  assert.equal(vzAvailable("12.7"), false);
});

test("KVM: a device that is missing is explained, with a fix, as optional", async () => {
  const missing = await virtualizationCheck("linux", "/dev/nixlima-no-such-kvm");
  assert.equal(missing.ok, false);
  assert.equal(missing.optional, true);
  assert.match(missing.detail, /does not exist/);
  assert.ok(missing.fix);
  const unreadable = await virtualizationCheck("linux", "/etc/shadow");
  assert.equal(unreadable.ok, false);
  assert.match(unreadable.fix ?? "", /kvm group/);
});

test("ssh: the real client's version, and an ssh config without nixlima's Include is flagged with the fix", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nixlima-doctor-"));
  try {
    const config = join(dir, "config");
    writeFileSync(config, "Host work\n  HostName example.invalid\n", { mode: 0o600 });
    const [client, include] = await sshChecks(config, { ...process.env, NIXLIMA_SSH_DIR: join(dir, "nixlima") });
    assert.equal(client!.ok, true);
    assert.match(client!.detail, /OpenSSH/);
    assert.equal(include!.ok, false);
    assert.match(include!.detail, /no Include/i);
    assert.match(include!.fix ?? "", /nixlima ssh-config sync/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runDoctor finds the real limactl and reports every area", async () => {
  const checks = await runDoctor({ limactl: { path: limactlPath }, sshConfigFile: "/nonexistent/nixlima/config" });
  const ids = checks.map((c) => c.id);
  for (const id of ["not-root", "limactl", "ssh", "ssh-include", "virtualization", "nix"]) assert.ok(ids.includes(id), `${id} in ${ids.join(",")}`);
  const limactl = checks.find((c) => c.id === "limactl")!;
  assert.equal(limactl.ok, true, limactl.detail);
  assert.match(limactl.detail, /limactl 2\.\d+\.\d+/);
});

test("Nix is green only when this Nix reads nixlima's flake; otherwise it says why, as advice", async () => {
  const nix = tempNix();
  const dir = mkdtempSync("/tmp/nlflake-");
  try {
    const good = await flakeCheck("nix (Nix) 2.8.0", { ...nix.env, NIXLIMA_FLAKE: `path:${join(fixtures, "job-flake")}` });
    assert.equal(good.ok, true, good.detail);
    assert.match(good.detail, /reads nixlima's flake \(\d+ images?\)/);
    writeFileSync(join(dir, "flake.nix"), '{ inputs.gone.url = "path:/nonexistent/nixlima-input"; outputs = { self, gone }: { }; }\n');
    const bad = await flakeCheck("nix (Nix) 2.8.0", { ...nix.env, NIXLIMA_FLAKE: `path:${dir}` });
    assert.equal(bad.ok, false);
    assert.equal(bad.optional, true);
    assert.match(bad.detail, /^nix \(Nix\) 2\.8\.0 is installed but cannot read nixlima's flake: \S/);
    assert.ok(bad.fix);
  } finally {
    nix.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("on Linux no check advises nix-darwin", async () => {
  const checks = await runDoctor({ limactl: { path: limactlPath }, sshConfigFile: "/nonexistent/nixlima/config" });
  for (const c of checks) assert.doesNotMatch(`${c.detail} ${c.fix ?? ""}`, /darwin|linux-builder/, c.id);
});
