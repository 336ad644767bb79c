// The Lima user on a real lima-init boot of the test guest (testVmConfig's init: "lima-init").
// First the case a person meets when their host uid is already taken in the guest: on NixOS the
// agent user holds 2000, on this Debian guest www-data holds 33 (fixed by Debian's base-passwd).
// Lima's `user.uid` stands in for such a host uid. useradd refuses a taken uid, and a guest agent
// whose socket went to the account holding that uid left the VM DEGRADED. Then the instance's
// `env:` (Lima's etc_environment on the cidata disk), which must reach the user's logins.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { stringify } from "yaml";
import { tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { bootTestVm, destroyInstance, guestShell } from "../support/testVmRun";

const name = "e2e-lima-init-user";
const home = tempLimaHome();
/** www-data's uid on every Debian (base-passwd's static list). */
const takenUid = 33;
/** A value of the instance's `env:` (Lima's cidata etc_environment), spaces and all. */
const envValue = "set in env: with spaces";

const guest = (script: string) => guestShell(home.dir, name, script);

before(async () => {
  const yaml = stringify(testVmConfig({ user: { uid: takenUid }, env: { NIXLIMA_TEST_ENV: envValue } }, { init: "lima-init" }));
  await bootTestVm(home.dir, name, "lima-init user", yaml);
});

after(async () => {
  await destroyInstance(home.dir, name);
  home.dispose();
});

test("a host uid that a guest account already holds: READY, the Lima user gets its own free uid and works over ssh", { timeout: 300_000 }, async () => {
  const cidataUid = (await guest("sudo sed -n 's/^LIMA_CIDATA_UID=//p' /mnt/lima-cidata/lima.env")).trim();
  assert.equal(cidataUid, String(takenUid), "Lima did not pass the configured uid to the guest");
  const [user, uid] = (await guest("id -un; id -u")).trim().split("\n");
  assert.equal(user, userInfo().username);
  assert.notEqual(uid, String(takenUid));
  // The account that held the uid keeps it, and no other account shares the Lima user's uid.
  assert.equal((await guest(`getent passwd ${takenUid} | cut -d: -f1`)).trim(), "www-data");
  assert.equal((await guest(`getent passwd | awk -F: '$3 == ${uid}' | wc -l`)).trim(), "1");
  assert.equal((await guest("sudo -n id -un")).trim(), "root");
  assert.equal((await guest("cat ~/.ssh/authorized_keys | wc -l")).trim(), "1");
  // The user's systemd (Lima's ssh login starts it) runs under the uid the user really has.
  assert.equal((await guest('test -e "/run/user/$(id -u)/systemd/private" && echo session')).trim(), "session");
});

test("a value in the instance's env: reaches the Lima user's login shell", { timeout: 300_000 }, async () => {
  assert.equal(await guest(`bash -lc 'printf "%s" "$NIXLIMA_TEST_ENV"'`), envValue);
});
