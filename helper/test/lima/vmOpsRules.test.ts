// The pure parts of snapshots and Start at Login: the snapshot table, tag and VZ rules, the
// limactl argv for each Lima version, and where Lima keeps its login entries.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { autostartArgs } from "../../src/lima/autostart";
import { autostartPlace, vmsStartingAtLogin } from "../../src/lima/autostartPlace";
import { checkSnapshotTag, snapshotsSupported, VZ_NO_SNAPSHOTS } from "../../src/shared/snapshotRules";
import { parseSnapshotList } from "../../src/lima/snapshots";
import type { Vm } from "../../src/protocol";
import { tempLimaHome } from "../../../test/support/lima";

const scratch = tempLimaHome();
after(() => scratch.dispose());

test("the snapshot table of a stopped VM (qemu-img) and of a running one (QEMU monitor, ID --)", () => {
  const stopped = [
    "Snapshot list:",
    "ID        TAG               VM SIZE                DATE     VM CLOCK     ICOUNT",
    "1         clean                 0 B 2026-11-30 23:40:01 00:00:00.000          0",
    "2         before-task           0 B 2026-11-30 23:41:02 00:00:00.000          0",
    "",
  ].join("\n");
  assert.deepEqual(parseSnapshotList(stopped), [
    { tag: "clean", date: "2026-11-30 23:40:01" },
    { tag: "before-task", date: "2026-11-30 23:41:02" },
  ]);
  const running = "ID        TAG               VM SIZE                DATE     VM CLOCK     ICOUNT\n--        clean             232 MiB 2026-11-30 23:40:01 00:00:41.505\n";
  assert.deepEqual(parseSnapshotList(running), [{ tag: "clean", date: "2026-11-30 23:40:01" }]);
  assert.deepEqual(parseSnapshotList(""), []);
});

test("snapshot names: letters, digits, . _ -; VZ VMs have none, with one sentence why", () => {
  for (const ok of ["clean", "before-task.1", "a_b"]) assert.doesNotThrow(() => checkSnapshotTag(ok));
  for (const bad of ["", "-x", "a b", "x".repeat(65), "../x"]) assert.throws(() => checkSnapshotTag(bad), { code: "usage" }, bad);
  const vm: Vm = { name: "v", status: "Stopped", dir: "", hostname: "", mounts: [], portForwards: [], protected: false, errors: [] };
  assert.equal(snapshotsSupported({ ...vm, vmType: "qemu" }), true);
  assert.equal(snapshotsSupported({ ...vm, vmType: "vz" }), false);
  assert.match(VZ_NO_SNAPSHOTS, /^Snapshots are for QEMU VMs only: .+\.$/);
});

test("Start at Login uses limactl autostart from Lima 2.2, start-at-login before", () => {
  assert.deepEqual(autostartArgs("2.2.0", "dev", true), ["autostart", "enable", "dev"]);
  assert.deepEqual(autostartArgs("2.3.1", "dev", false), ["autostart", "disable", "dev"]);
  assert.deepEqual(autostartArgs("2.1.0", "dev", true), ["start-at-login", "dev", "--enabled=true"]);
  assert.deepEqual(autostartArgs("2.0.3", "dev", false), ["start-at-login", "dev", "--enabled=false"]);
});

test("login entries are read where Lima writes them: systemd user units, launch agents", () => {
  const home = join(scratch.dir, "home");
  assert.equal(autostartPlace({ HOME: home }, "linux")?.dir, join(home, ".config", "systemd", "user"));
  assert.equal(autostartPlace({ HOME: home, XDG_CONFIG_HOME: join(scratch.dir, "xdg") }, "linux")?.dir, join(scratch.dir, "xdg", "systemd", "user"));
  assert.equal(autostartPlace({ HOME: home }, "darwin")?.dir, join(home, "Library", "LaunchAgents"));
  assert.equal(autostartPlace({ HOME: home }, "win32"), undefined);

  assert.deepEqual(vmsStartingAtLogin({ HOME: home }, "linux"), { supported: true, vms: [] });
  const units = join(home, ".config", "systemd", "user");
  mkdirSync(units, { recursive: true });
  for (const f of ["lima-vm@dev.service", "lima-vm@my.vm.service", "other.service"]) writeFileSync(join(units, f), "");
  assert.deepEqual(vmsStartingAtLogin({ HOME: home }, "linux").vms, ["dev", "my.vm"]);
  const agents = join(home, "Library", "LaunchAgents");
  mkdirSync(agents, { recursive: true });
  for (const f of ["io.lima-vm.autostart.dev.plist", "io.lima-vm.daemon.dev.plist", "com.other.plist"]) writeFileSync(join(agents, f), "");
  assert.deepEqual(vmsStartingAtLogin({ HOME: home }, "darwin").vms, ["dev"]);
});
