// The test guest booted with nixlima's own init instead of cloud-init: the kernel command line
// (testVmConfig's init: "lima-init") disables cloud-init and runs the image's copies of the NixOS
// module's lima-init and lima-guestagent units (nix/modules/lima-init.sh, lima-guestagent.sh;
// scripts/setup/guest/lima-init/). Each test checks one thing the real boot must give: READY,
// the Lima user and its key, 9p mounts (one with a space), provisioning with param.env, a restart
// with a forwarded ssh agent.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { limactlPath, tempLimaHome } from "../support/lima";
import { startSshAgent, type TestSshAgent } from "../support/sshAgent";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, guestShell, instanceLogTail, limaEnv, limactl } from "../support/testVmRun";

const name = "e2e-lima-init-boot";
const home = tempLimaHome();
const host = mkdtempSync(join(tmpdir(), "nixlima-init-boot-"));
const readOnlyDir = join(host, "ro");
const spacedDir = join(host, "My Projects", "app");
const spacedMountPoint = "/mnt/My Projects/app";
const greeting = "hello from param";
let firstStart = "";
let sshAgent: TestSshAgent;

const template = {
  mountType: "9p",
  param: { GREETING: greeting },
  provision: [
    {
      mode: "system",
      script: '#!/bin/bash\n{ cat /run/lima-ssh-ready; echo "${PARAM_GREETING:-unset}"; } >/run/nixlima-test-system-provision',
    },
    { mode: "user", script: '#!/bin/bash\necho "${PARAM_GREETING:-unset}" >"$HOME/nixlima-test-user-provision"' },
  ],
};

const guest = (script: string) => guestShell(home.dir, name, script);

/** `limactl start` to READY (a DEGRADED start exits non-zero); its log, which says which. */
async function start(sshAuthSock?: string): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env, ...limaEnv(home.dir), SSH_AUTH_SOCK: sshAuthSock };
  const run = await execa(limactlPath, ["--tty=false", "start", name], { env, extendEnv: false, reject: false, timeout: 600_000 });
  if (run.exitCode !== 0) console.error(instanceLogTail(home.dir, name));
  assert.equal(run.exitCode, 0, run.stderr);
  return run.stderr;
}

before(async () => {
  mkdirSync(readOnlyDir, { recursive: true });
  mkdirSync(spacedDir, { recursive: true });
  writeFileSync(join(readOnlyDir, "from-host"), "read-only share\n");
  writeFileSync(join(spacedDir, "from-host"), "spaced share\n");
  sshAgent = await startSshAgent(host);
  const mounts = [
    { location: readOnlyDir, mountPoint: "/mnt/ro", writable: false },
    { location: spacedDir, mountPoint: spacedMountPoint, writable: true },
  ];
  const yaml = stringify(testVmConfig(template, { mounts, init: "lima-init" }));
  await limactl(home.dir, ["create", "--name", name, "-"], { input: yaml });
  firstStart = await start();
});

after(async () => {
  await destroyInstance(home.dir, name);
  await sshAgent?.stop();
  home.dispose();
  rmSync(host, { recursive: true, force: true });
});

const iid = async () => (await guest("sudo sed -n 's/^LIMA_CIDATA_IID=//p' /mnt/lima-cidata/lima.env")).trim();

test("the guest reaches READY (not DEGRADED) through nixlima's lima-init, with cloud-init never run", { timeout: 300_000 }, async () => {
  assert.match(firstStart, /READY/);
  assert.doesNotMatch(firstStart, /DEGRADED/);
  const units = await guest("systemctl is-active lima-init.service lima-guestagent.service || true");
  assert.deepEqual(units.trim().split("\n"), ["active", "active"]);
  assert.equal((await guest("test -e /var/lib/cloud/instance && echo ran || echo never")).trim(), "never");
  assert.equal((await guest("sudo cat /run/lima-boot-done")).trim(), await iid());
});

test("lima-init makes the Lima user with the host's uid and name, its key and passwordless sudo", { timeout: 300_000 }, async () => {
  const me = userInfo();
  const limaHome = (await guest("sudo sed -n 's/^LIMA_CIDATA_HOME=//p' /mnt/lima-cidata/lima.env")).trim();
  assert.match(limaHome, new RegExp(`^/home/${me.username}\\.`));
  assert.deepEqual((await guest('id -un; id -u; echo "$HOME"')).trim().split("\n"), [me.username, String(me.uid), limaHome]);
  const hostKey = readFileSync(join(home.dir, "_config/user.pub"), "utf8").trim();
  assert.ok(hostKey.length > 0);
  assert.equal((await guest("cat ~/.ssh/authorized_keys")).trim(), hostKey);
  assert.match(await guest("id -Gn"), /\bwheel\b/);
  assert.equal((await guest("sudo -n id -un")).trim(), "root");
});

test("the 9p shares mount as configured, one with a space in its path, read-only and writable", { timeout: 300_000 }, async () => {
  assert.equal((await guest(`cat /mnt/ro/from-host ${JSON.stringify(`${spacedMountPoint}/from-host`)}`)).trim(), "read-only share\nspaced share");
  await guest(`echo from-guest > ${JSON.stringify(`${spacedMountPoint}/from-guest`)}`);
  assert.equal(readFileSync(join(spacedDir, "from-guest"), "utf8"), "from-guest\n");
  assert.match(await guest("touch /mnt/ro/nope 2>&1 || echo refused"), /refused/);
});

test("system and user provisioning run after ssh-ready and see the template's param values", { timeout: 300_000 }, async () => {
  assert.deepEqual((await guest("sudo cat /run/nixlima-test-system-provision")).trim().split("\n"), [await iid(), greeting]);
  assert.equal((await guest("cat ~/nixlima-test-user-provision")).trim(), greeting);
});

test("after a stop, the guest starts to READY again, now with a forwarded ssh agent", { timeout: 900_000 }, async () => {
  await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
  await limactl(home.dir, ["edit", name, "--set", ".ssh.forwardAgent = true"]);
  const log = await start(sshAgent.socket);
  assert.match(log, /READY/);
  assert.doesNotMatch(log, /DEGRADED/);
  assert.match(await guest("ssh-add -l"), new RegExp(sshAgent.fingerprint.replace(/[+/]/g, "\\$&")));
  assert.equal((await guest(`cat ${JSON.stringify(`${spacedMountPoint}/from-host`)}`)).trim(), "spaced share");
  assert.equal((await guest("sudo cat /run/lima-boot-done")).trim(), await iid());
});
