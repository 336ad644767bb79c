// Start at Login on Linux with the real limactl and the real systemctl, in a scratch HOME and
// XDG_CONFIG_HOME so nothing touches the user's own units. Lima registers units only where
// systemd runs (it looks for /run/systemd/system); this machine has no systemd, so the wrapper
// (test/support/systemdLimactl.ts) runs limactl in a user+mount namespace with an empty /run that has that folder, as the
// same uid, and systemctl works on the unit files offline (SYSTEMD_OFFLINE=1). Lima writes the
// unit and systemctl enables it: nixlima reads the result.
import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setStartAtLogin } from "../../src/lima/autostart";
import { vmsStartingAtLogin } from "../../src/lima/autostartPlace";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import type { Reporter } from "../../src/lima/operations";
import { limactlPath } from "../../../test/support/lima";
import { startAtLoginScratch, writeSystemdLimactl } from "../../../test/support/systemdLimactl";
import { DUMMY_YAML } from "./support/countingLimactl";

const { home, scratch, env, units, dispose } = startAtLoginScratch();
after(dispose);
const quiet: Reporter = { progress: () => undefined, log: () => undefined };
const never = new AbortController().signal;
let l: Limactl;

before(async () => {
  const wrapper = writeSystemdLimactl(scratch.dir);
  l = await Limactl.locate({ path: wrapper, limaHome: home.dir }, env);
  await l.run(["create", "--name", "auto1", "-"], { input: DUMMY_YAML });
  await l.run(["create", "--name", "other1", "-"], { input: DUMMY_YAML });
});

test("on: Lima writes its systemd user unit and systemctl enables it; the list shows it; off removes both", async () => {
  await setStartAtLogin(l, "auto1", true, quiet, never);
  const unit = join(units, "lima-vm@auto1.service");
  const text = readFileSync(unit, "utf8");
  assert.match(text, /^ExecStart=.*limactl start %i --foreground$/m);
  assert.match(text, /^WantedBy=default\.target$/m);
  const wanted = join(units, "default.target.wants", "lima-vm@auto1.service");
  assert.ok(lstatSync(wanted).isSymbolicLink());
  assert.equal(readlinkSync(wanted), unit);
  assert.deepEqual(vmsStartingAtLogin(env, "linux"), { supported: true, vms: ["auto1"] });
  const vms = await listVms(l);
  assert.equal(vms.find((v) => v.name === "auto1")?.startsAtLogin, true);
  assert.equal(vms.find((v) => v.name === "other1")?.startsAtLogin, undefined);

  await setStartAtLogin(l, "auto1", false, quiet, never);
  assert.equal(existsSync(unit), false);
  assert.equal(existsSync(wanted), false);
  assert.deepEqual(vmsStartingAtLogin(env, "linux").vms, []);
  assert.equal((await listVms(l)).find((v) => v.name === "auto1")?.startsAtLogin, undefined);
});

test("where Lima cannot register (no systemd, as on this machine itself) the user gets one sentence and a hint", async () => {
  const plain = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...env, SYSTEMD_OFFLINE: undefined });
  await assert.rejects(setStartAtLogin(plain, "other1", true, quiet, never), (err: any) => {
    assert.match(err.message, /^Lima could not register VM `other1` to start at login: .*not supported on linux/);
    assert.match(err.hint, /systemd user session/);
    return true;
  });
  assert.equal(existsSync(join(units, "lima-vm@other1.service")), false);
  await assert.rejects(setStartAtLogin(l, "nothere", true, quiet, never), { code: "not-found" });
});
