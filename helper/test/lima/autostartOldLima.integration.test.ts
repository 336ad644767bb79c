// Start at Login against a real older limactl, built by scripts/setup/21-limactl-v1.sh the same
// way as 2.2.0: before Lima 2.2 there is no `limactl autostart`, and nixlima runs
// `limactl start-at-login NAME --enabled=…`. nixlima supports Lima 2.0 and later, but the Go
// proxy here serves no 2.0.x or 2.1.x, only 2.2.0 and 1.x; so Lima 1.2.1 stands in, whose
// start-at-login is the command 2.0 and 2.1 kept. nixlima itself refuses 1.2.1 (tested below), so
// the test makes the handle for it directly. Same scratch HOME, XDG_CONFIG_HOME and systemd
// wrapper as autostart.integration.
import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setStartAtLogin } from "../../src/lima/autostart";
import { vmsStartingAtLogin } from "../../src/lima/autostartPlace";
import { Limactl } from "../../src/lima/limactl";
import { listVms } from "../../src/lima/list";
import type { Reporter } from "../../src/lima/operations";
import { repoRoot } from "../../../test/support/lima";
import { startAtLoginScratch, writeSystemdLimactl } from "../../../test/support/systemdLimactl";
import { DUMMY_YAML } from "./support/countingLimactl";

const oldLimactl = join(repoRoot, ".cache/lima-v1/bin/limactl");
const { home, scratch, env, units, dispose } = startAtLoginScratch();
after(dispose);
const never = new AbortController().signal;
let l: Limactl;

before(async () => {
  assert.ok(existsSync(oldLimactl), `${oldLimactl} is missing: run scripts/setup.sh 21 as root`);
  const path = writeSystemdLimactl(scratch.dir, oldLimactl);
  // Limactl's constructor is private so the product always goes through locate's version check.
  const Handle = Limactl as unknown as new (path: string, version: string, env: NodeJS.ProcessEnv) => Limactl;
  l = new Handle(path, "1.2.1", { ...env, LIMA_HOME: home.dir });
  await l.run(["create", "--name", "old1", "-"], { input: DUMMY_YAML });
});

test("nixlima refuses a Lima older than 2.0 with one sentence", async () => {
  await assert.rejects(Limactl.locate({ path: oldLimactl, limaHome: home.dir }, env), (err: any) => {
    assert.equal(err.code, "limactl-too-old");
    assert.match(err.message, /^Lima 1\.2\.1 at .* is too old; nixlima needs Lima 2\.0\.0 or newer\.$/);
    return true;
  });
});

test("before Lima 2.2, on and off run limactl start-at-login; Lima's unit comes and goes, and the list follows", async () => {
  assert.match((await l.run(["--version"])).stdout, /limactl version 1\.2\.1/);
  const lines: string[] = [];
  const r: Reporter = { progress: () => undefined, log: (line) => lines.push(line) };
  await setStartAtLogin(l, "old1", true, r, never);
  assert.ok(lines.some((x) => /^\$ .* start-at-login old1 --enabled=true$/.test(x)), lines.join("\n"));
  const unit = join(units, "lima-vm@old1.service");
  assert.match(readFileSync(unit, "utf8"), /^ExecStart=.*limactl start /m);
  assert.ok(lstatSync(join(units, "default.target.wants", "lima-vm@old1.service")).isSymbolicLink());
  assert.deepEqual(vmsStartingAtLogin(env, "linux").vms, ["old1"]);
  assert.equal((await listVms(l)).find((v) => v.name === "old1")?.startsAtLogin, true);

  await setStartAtLogin(l, "old1", false, r, never);
  assert.ok(lines.some((x) => /^\$ .* start-at-login old1 --enabled=false$/.test(x)), lines.join("\n"));
  assert.equal(existsSync(unit), false);
  assert.deepEqual(vmsStartingAtLogin(env, "linux").vms, []);
  assert.equal((await listVms(l)).find((v) => v.name === "old1")?.startsAtLogin, undefined);
});
