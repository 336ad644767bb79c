// The doctor's checks on this real machine: real ssh, a real ssh config, real device files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runDoctor } from "../../src/doctor";
import { sshChecks } from "../../src/doctor/sshChecks";
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
