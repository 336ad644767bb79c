// Two VM names Lima gives one ssh alias (it writes '.' and '_' as '-'): the real limactl 2.2 makes
// both (never-booted fixtures `a.b` and `a-b`), `nixlima create` refuses a third twin, and
// `nixlima ssh-config sync` names that cause instead of blaming the user's ssh config.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../../src/cli/main";
import { createDummy, runLimactl } from "../../../test/support/dummies";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { captureCli } from "../../../test/support/cliCapture";

const lima = tempLimaHome();
const side = tempLimaHome();
const userConfig = join(side.dir, "ssh", "config");
const env = { ...process.env, ...qemuEnv, LIMA_HOME: lima.dir, NIXLIMA_SSH_DIR: join(side.dir, "nixlima"), NIXLIMA_LIMACTL: limactlPath, XDG_CACHE_HOME: join(side.dir, "cache") };

before(() => {
  createDummy(lima.dir, "a.b");
  mkdirSync(join(side.dir, "ssh"), { mode: 0o700 });
  writeFileSync(userConfig, "Host *\n  User everyone\n", { mode: 0o600 });
});
after(() => {
  lima.dispose();
  side.dispose();
});

function nixlima(...args: string[]) {
  return captureCli((io) => runCli(args, io), env);
}

test("nixlima create refuses a name whose ssh alias an existing VM has, with one sentence, and makes nothing", async () => {
  for (const name of ["a-b", "a_b", "A-B"]) {
    const r = await nixlima("create", name, "--template", "minimal", "--image", "/etc/profile", "--disk", "0.001");
    assert.equal(r.code, 1, `${name}: ${r.err}`);
    const alias = `lima-${name.replace(/[._]/g, "-")}`;
    assert.ok(
      r.err.includes(`nixlima: The name "${name}" would share the ssh host ${alias} with the VM "a.b" (Lima writes '.' and '_' as '-', and ssh ignores case), so ssh could reach the wrong VM.\n`),
      r.err,
    );
    assert.equal(existsSync(join(lima.dir, name)), false, `${name} was not created`);
  }
  const ok = await nixlima("create", "a-c", "--template", "minimal", "--image", "/etc/profile", "--disk", "0.001");
  assert.equal(ok.code, 0, `a name with its own alias is still created: ${ok.err}`);
});

test("where Lima made two VMs with one alias, ssh-config sync says so for both instead of blaming the user's config", async () => {
  createDummy(lima.dir, "a-b"); // Lima itself allows it
  createDummy(lima.dir, "a-d");
  const listed = runLimactl(lima.dir, ["list", "--json"]).trim().split("\n").map((line) => JSON.parse(line) as { name: string; hostname?: string });
  const hostnames = Object.fromEntries(listed.map((i) => [i.name, i.hostname]));
  assert.deepEqual([hostnames["a.b"], hostnames["a-b"]], ["lima-a-b", "lima-a-b"], "Lima gives both one hostname");

  const r = await nixlima("ssh-config", "sync", "--json", "--config", userConfig);
  assert.equal(r.code, 1, r.err + r.out);
  const hosts = (JSON.parse(r.out) as { hosts: { vm: string; state: string; problem?: string }[] }).hosts;
  const twin = (vm: string) => hosts.find((h) => h.vm === vm);
  for (const [vm, other] of [["a.b", "a-b"], ["a-b", "a.b"]] as const) {
    assert.equal(twin(vm)?.state, "mismatch", vm);
    assert.equal(
      twin(vm)?.problem,
      `lima-a-b is also the alias of VM "${other}" (Lima writes '.' and '_' as '-'), so ssh lima-a-b reaches only one of them; nixlima's own terminal and shell reach each by its ssh.config, and renaming one VM gives each its own alias.`,
    );
    assert.doesNotMatch(twin(vm)?.problem ?? "", /your ssh config/);
  }
  assert.equal(twin("a-d")?.state, "not-started", "a VM with its own alias is not flagged");
});
