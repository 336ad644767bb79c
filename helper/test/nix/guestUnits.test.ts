// The Debian test guest boots with nixlima's own init through copies of the NixOS units
// (scripts/setup/guest/lima-init/). These tests hold those copies to what the NixOS module
// (nix/modules/lima-guest.nix, evaluated with the real module system) declares, so the e2e
// boot with lima-init runs the units the module installs: same ordering, requirements, type,
// restart rule and cidata mount options.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempNix } from "./nixEnv";
import { evalProfile } from "./evalModules";

const nix = tempNix();
after(() => nix.dispose());
const unitsDir = join(import.meta.dirname, "../../../scripts/setup/guest/lima-init");

/** A systemd unit file's settings, each key's values (lists split at spaces). */
function unitFile(name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of readFileSync(join(unitsDir, name), "utf8").split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!m) continue;
    settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), ...m[2]!.split(/\s+/).filter(Boolean)]);
  }
  return settings;
}

type NixUnit = { after?: string[]; requires?: string[]; wantedBy?: string[]; serviceConfig?: Record<string, unknown> };

function assertSameUnit(file: Map<string, string[]>, unit: NixUnit): void {
  assert.deepEqual(file.get("After") ?? [], unit.after ?? []);
  assert.deepEqual(file.get("Requires") ?? [], unit.requires ?? []);
  assert.deepEqual(file.get("WantedBy") ?? [], unit.wantedBy ?? []);
  const service = unit.serviceConfig ?? {};
  assert.equal(file.get("Type")?.[0], service.Type);
  assert.equal(file.get("Restart")?.[0], service.Restart);
  assert.equal(file.get("RemainAfterExit")?.[0] === "yes", service.RemainAfterExit === true);
}

test("the test guest's lima-init and lima-guestagent units are the NixOS module's, and run its scripts", async () => {
  const r = await evalProfile(nix.env, "minimal", {});
  const units = r.units as Record<string, NixUnit>;
  const init = unitFile("lima-init.service");
  const agent = unitFile("lima-guestagent.service");
  assertSameUnit(init, units["lima-init"]!);
  assertSameUnit(agent, units["lima-guestagent"]!);
  assert.deepEqual(init.get("ExecStart")?.slice(-1), ["/usr/lib/nixlima/lima-init.sh"]);
  assert.deepEqual(agent.get("ExecStart")?.slice(-1), ["/usr/lib/nixlima/lima-guestagent.sh"]);
  for (const unit of [init, agent]) assert.deepEqual(unit.get("ConditionKernelCommandLine"), ["nixlima.init=lima-init"]);
});

test("the test guest mounts the cidata disk with the NixOS module's options", async () => {
  const r = await evalProfile(nix.env, "minimal", {});
  const mount = unitFile("mnt-lima\\x2dcidata.mount");
  assert.deepEqual(mount.get("Where"), ["/mnt/lima-cidata"]);
  assert.deepEqual(mount.get("Options")?.[0]?.split(","), r.cidataOptions);
});

// What lima-init writes there is test/e2e/limaInitUser.test.ts.
test("Lima's env: reaches sshd logins: /etc/environment is not NixOS's, and sshd's pam_env reads it", async () => {
  const r = await evalProfile(nix.env, "minimal", {});
  // A NixOS-managed /etc/environment would replace what lima-init writes at the next switch.
  assert.equal(r.etcEnvironment, null);
  assert.equal(r.sshdPamEnv?.readenv, 1);
});

// What lima-init does with it: test/e2e/limaInit.test.ts.
for (const profile of ["minimal", "dev", "agent"]) {
  test(`${profile}: lima-init names the machine as Lima does (lima-NAME) unless the configuration names it`, async () => {
    const keep = (r: Awaited<ReturnType<typeof evalProfile>>) => (r.units["lima-init"]!.environment as Record<string, string> | undefined)?.LIMA_INIT_KEEP_HOSTNAME;
    assert.equal(keep(await evalProfile(nix.env, profile, {})), undefined, "a profile's suggested name overrode Lima's");
    assert.equal(keep(await evalProfile(nix.env, profile, { networking: { hostName: "mybox" } })), "1");
  });
}
