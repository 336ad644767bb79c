// nixlima's own guest init (nix/modules/lima-init.sh, what the NixOS module runs on every boot)
// run for real: on the Debian test guest booted by the real limactl, against the cidata disk
// Lima made for it (9p mounts, one with a space; system and user provisioning; a `param:`).
// cloud-init has configured that guest already, so each test first undoes what it checks, then
// runs lima-init as root. Shimmed: only the NixOS paths the script uses (a copy of bash at
// /run/current-system/sw/bin, sudo at /run/wrappers/bin, a wheel group with passwordless sudo).
// A whole boot with lima-init instead of cloud-init: test/e2e/limaInitBoot.test.ts.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { repoRoot, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { bootTestVm, destroyInstance, guestShell } from "../support/testVmRun";

const name = "e2e-lima-init";
const home = tempLimaHome();
const host = mkdtempSync(join(tmpdir(), "nixlima-init-"));
const readOnlyDir = join(host, "ro");
const spacedDir = join(host, "My Projects", "app");
const spacedMountPoint = "/mnt/My Projects/app";
const greeting = "hello from param";

const template = {
  mountType: "9p",
  param: { GREETING: greeting },
  provision: [
    {
      mode: "system",
      // What a system script sees: whether ssh-ready already holds the instance id, /run/host-services, PARAM_*.
      script: [
        "#!/bin/bash",
        "{ cat /run/lima-ssh-ready 2>/dev/null || echo missing",
        "  stat -c '%U %a' /run/host-services 2>/dev/null || echo missing",
        '  echo "${PARAM_GREETING:-unset}"; } >/run/nixlima-test-system-provision',
      ].join("\n"),
    },
    { mode: "user", script: '#!/bin/bash\necho "${PARAM_GREETING:-unset}" >"$HOME/nixlima-test-user-provision"' },
  ],
};

// On NixOS /run/current-system links into the store; Debian's /run is noexec, so the shim
// links to a folder outside it, holding a copy of bash (lima-init points /bin/bash there).
const shims = `set -eu
sudo mkdir -p /usr/local/lib/nixos-shim/sw/bin /run/wrappers/bin
[ -e /usr/local/lib/nixos-shim/sw/bin/bash ] || sudo cp /usr/bin/bash /usr/local/lib/nixos-shim/sw/bin/bash
sudo ln -sfn /usr/local/lib/nixos-shim /run/current-system
sudo ln -sf /usr/bin/sudo /run/wrappers/bin/sudo
getent group wheel >/dev/null || sudo groupadd wheel
echo '%wheel ALL=(ALL) NOPASSWD: ALL' | sudo tee /etc/sudoers.d/nixlima-wheel >/dev/null
sudo tee /usr/local/sbin/lima-init >/dev/null`;
const installGuestAgentScript = "sudo tee /usr/local/sbin/lima-guestagent >/dev/null";

const guest = (script: string, input?: string) => guestShell(home.dir, name, script, input);

/** Runs lima-init as root (bounded, so a hang fails the test); its exit code and output. */
async function limaInit(env = ""): Promise<{ code: number; output: string }> {
  const out = await guest(`sudo env ${env} timeout 150 bash /usr/local/sbin/lima-init >/tmp/lima-init.log 2>&1; echo "exit=$?"; cat /tmp/lima-init.log`);
  const code = Number(/^exit=(\d+)$/m.exec(out)?.[1] ?? -1);
  console.log(`lima-init ${env || "(real cidata)"}:\n${out}`);
  return { code, output: out };
}

/** A copy of the real cidata with lima.env's user changed, for a user the guest does not have yet. */
async function cidataCopyFor(dir: string, user: string, uid: number): Promise<void> {
  await guest(`set -eu
sudo rm -rf ${dir}; sudo cp -a /mnt/lima-cidata ${dir}
sudo sed -i -e 's/^LIMA_CIDATA_USER=.*/LIMA_CIDATA_USER=${user}/' -e 's/^LIMA_CIDATA_UID=.*/LIMA_CIDATA_UID=${uid}/' \\
  -e 's|^LIMA_CIDATA_HOME=.*|LIMA_CIDATA_HOME=/home/${user}.linux|' ${dir}/lima.env`);
}

const iid = async () => (await guest("sudo sed -n 's/^LIMA_CIDATA_IID=//p' /mnt/lima-cidata/lima.env")).trim();

before(async () => {
  mkdirSync(readOnlyDir, { recursive: true });
  mkdirSync(spacedDir, { recursive: true });
  writeFileSync(join(readOnlyDir, "from-host"), "read-only share\n");
  writeFileSync(join(spacedDir, "from-host"), "spaced share\n");
  const mounts = [
    { location: readOnlyDir, mountPoint: "/mnt/ro", writable: false },
    { location: spacedDir, mountPoint: spacedMountPoint, writable: true },
  ];
  // Booted by cloud-init on purpose: lima-init then runs over a guest configured the other way.
  await bootTestVm(home.dir, name, "lima-init", stringify(testVmConfig(template, { mounts, init: "cloud-init" })));
  await guest(shims, readFileSync(join(repoRoot, "nix/modules/lima-init.sh"), "utf8"));
  await guest(installGuestAgentScript, readFileSync(join(repoRoot, "nix/modules/lima-guestagent.sh"), "utf8"));
});

after(async () => {
  await destroyInstance(home.dir, name);
  home.dispose();
  rmSync(host, { recursive: true, force: true });
});

test("lima-init mounts the 9p shares of Lima's user-data, one with a space, read-only and writable as configured", { timeout: 300_000 }, async () => {
  // Undo cloud-init's mounts (the spaced one never mounted there) so lima-init's fstab is the only source.
  await guest(`set -eu
for m in /mnt/ro ${JSON.stringify(spacedMountPoint)}; do sudo umount "$m" 2>/dev/null || true; done
sudo sed -i '/comment=cloudconfig/d' /etc/fstab
sudo systemctl daemon-reload`);
  const run = await limaInit();
  assert.equal(run.code, 0, run.output);
  const fstab = await guest("sed -n '/#LIMA-START/,/#LIMA-END/p' /etc/fstab");
  assert.match(fstab, /\t\/mnt\/My\\040Projects\/app\t9p\t/, fstab);
  const mounted = await guest(`findmnt -rn -o TARGET,FSTYPE,OPTIONS /mnt/ro; findmnt -rn -o TARGET,FSTYPE,OPTIONS ${JSON.stringify(spacedMountPoint)}`);
  assert.match(mounted, /^\/mnt\/ro 9p ro,/m, `${mounted}\n${run.output}`);
  assert.match(mounted, /^\/mnt\/My\\x20Projects\/app 9p rw,/m, `${mounted}\n${run.output}`);
  assert.equal((await guest(`cat /mnt/ro/from-host ${JSON.stringify(`${spacedMountPoint}/from-host`)}`)).trim(), "read-only share\nspaced share");
  await guest(`echo from-guest > ${JSON.stringify(`${spacedMountPoint}/from-guest`)}`);
  assert.equal(readFileSync(join(spacedDir, "from-guest"), "utf8"), "from-guest\n");
  assert.match(await guest("touch /mnt/ro/nope 2>&1 || echo refused"), /refused/);
});

test("lima-init writes ssh-ready before provisioning, with /run/host-services made, and hands param.env to both kinds of script", { timeout: 300_000 }, async () => {
  const user = (await guest("id -un")).trim();
  await guest(`set -eu
sudo rm -f /run/lima-ssh-ready /run/lima-boot-done /run/nixlima-test-system-provision ~/nixlima-test-user-provision
sudo rmdir /run/host-services 2>/dev/null || true`);
  const run = await limaInit();
  assert.equal(run.code, 0, run.output);
  const id = await iid();
  assert.ok(id.length > 0);
  assert.deepEqual((await guest("sudo cat /run/nixlima-test-system-provision")).trim().split("\n"), [id, `${user} 700`, greeting]);
  assert.equal((await guest("cat ~/nixlima-test-user-provision")).trim(), greeting);
  assert.equal((await guest("sudo cat /run/lima-boot-done")).trim(), id);
});

test("lima-init puts host.lima.internal (Lima's gateway) into /etc/hosts, once", { timeout: 300_000 }, async () => {
  await guest("sudo sed -i '/host.lima.internal/d' /etc/hosts");
  for (let i = 0; i < 2; i++) assert.equal((await limaInit()).code, 0);
  const gateway = (await guest("sudo sed -n 's/^LIMA_CIDATA_SLIRP_GATEWAY=//p' /mnt/lima-cidata/lima.env")).trim();
  const lines = (await guest("grep host.lima.internal /etc/hosts")).trim().split("\n");
  assert.deepEqual(lines, [`${gateway}\thost.lima.internal`]);
  assert.match(await guest("getent hosts host.lima.internal"), new RegExp(`^${gateway.replaceAll(".", "\\.")}\\s`));
});

test("lima-init names the guest as Lima does (lima-NAME), but keeps a name the NixOS configuration sets", { timeout: 300_000 }, async () => {
  await guest("sudo hostname nixlima-test-own-name");
  assert.equal((await limaInit("LIMA_INIT_KEEP_HOSTNAME=1")).code, 0);
  assert.equal((await guest("hostname")).trim(), "nixlima-test-own-name");
  assert.doesNotMatch(await guest("cat /etc/hosts"), /# lima-init$/m, "Lima's name went into /etc/hosts while the own one was kept");
  assert.equal((await limaInit()).code, 0);
  assert.equal((await guest("hostname")).trim(), `lima-${name}`);
  assert.match(await guest("cat /etc/hosts"), new RegExp(`^127\\.0\\.1\\.1\\tlima-${name} # lima-init$`, "m"));
});

test("a host uid that a guest user already has (the agent's 2000) does not stop the VM becoming ready", { timeout: 300_000 }, async () => {
  await guest("getent passwd 2000 >/dev/null || sudo useradd --uid 2000 --create-home agent");
  await cidataCopyFor("/tmp/cidata-collide", "collider", 2000);
  const run = await limaInit("LIMA_CIDATA_MNT=/tmp/cidata-collide LIMA_INIT_USER_WAIT_SECONDS=1");
  assert.equal(run.code, 0, run.output);
  const uid = Number((await guest("id -u collider")).trim());
  assert.ok(uid > 0 && uid !== 2000, `collider got uid ${uid}`);
  assert.match(await guest("id -Gn collider"), /\bwheel\b/);
  assert.equal((await guest("id -un 2000")).trim(), "agent", "the agent user kept its uid to itself");
  assert.equal(
    (await guest("sudo cat /home/collider.linux/.ssh/authorized_keys")).trim(),
    (await guest("cat ~/.ssh/authorized_keys")).trim(),
  );
  assert.equal((await guest("sudo cat /run/lima-boot-done")).trim(), await iid());
});

test("user provisioning does not wait for ever for a session that never starts", { timeout: 300_000 }, async () => {
  await cidataCopyFor("/tmp/cidata-nosession", "nosession", 3100);
  const run = await limaInit("LIMA_CIDATA_MNT=/tmp/cidata-nosession LIMA_INIT_USER_WAIT_SECONDS=2");
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /no systemd session for nosession/);
  assert.equal((await guest("sudo cat /home/nosession.linux/nixlima-test-user-provision")).trim(), greeting);
});

test("lima-init refuses to run without a cidata disk, saying so", { timeout: 120_000 }, async () => {
  const run = await limaInit("LIMA_CIDATA_MNT=/nonexistent");
  assert.equal(run.code, 2);
  assert.match(run.output, /lima\.env is missing/);
});

/** Whether something answers on the host's 127.0.0.1:port. */
function hostPortOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

test("lima-guestagent.sh talks to Lima on the channel of this VM (virtio on QEMU): a guest port is forwarded", { timeout: 300_000 }, async () => {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // Lima's own guest agent (installed by cloud-init's boot scripts) makes way for nixlima's.
  await guest(`set -eu
sudo systemctl stop lima-guestagent.service
sudo systemd-run --unit nixlima-guestagent-${port} bash /usr/local/sbin/lima-guestagent
systemd-run --user --unit nixlima-listener-${port} python3 -m http.server --bind 127.0.0.1 ${port}`);
  try {
    let open = false;
    for (let i = 0; i < 60 && !open; i++) {
      open = await hostPortOpen(port);
      if (!open) await sleep(1000);
    }
    const agent = await guest(`systemctl is-active nixlima-guestagent-${port}.service || true; sudo journalctl -u nixlima-guestagent-${port} -n 5 --no-pager`);
    assert.ok(open, `guest port ${port} never reached the host\n${agent}`);
  } finally {
    await guest(`systemctl --user stop nixlima-listener-${port}; sudo systemctl stop nixlima-guestagent-${port}; sudo systemctl start lima-guestagent.service`);
  }
});
