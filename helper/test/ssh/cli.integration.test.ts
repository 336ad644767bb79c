// `nixlima ssh-config` end to end against the real limactl: the VM list comes from `limactl list`
// on a dummy instance that never boots, whose ssh.config is written in Lima's format by hand
// (a real one only appears after a boot).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { sshConfigCommand } from "../../src/cli/commands/sshConfig";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { limaSshConfigText, sshGValue } from "./world";
import { captureCli } from "../../../test/support/cliCapture";

const lima = tempLimaHome();
const root = tempLimaHome();
const userConfig = join(root.dir, "ssh", "config");
const env = { ...process.env, ...qemuEnv, LIMA_HOME: lima.dir, NIXLIMA_SSH_DIR: join(root.dir, "nixlima"), NIXLIMA_LIMACTL: limactlPath };
const own = "Host *\n  User everyone\n";

before(() => {
  execFileSync(limactlPath, ["--tty=false", "create", "--name", "cli1", "-"], {
    input: '{images: [{location: /etc/profile}], disk: "1M", containerd: {system: false, user: false}}',
    env,
    stdio: ["pipe", "ignore", "pipe"],
  });
  writeFileSync(join(lima.dir, "cli1", "ssh.config"), limaSshConfigText(lima.dir, "cli1", "tester", 50123), { mode: 0o600 });
  mkdirSync(join(root.dir, "ssh"), { mode: 0o700 });
  writeFileSync(userConfig, own, { mode: 0o600 });
});
after(() => {
  lima.dispose();
  root.dispose();
});

function cli(...args: string[]) {
  return captureCli((io) => sshConfigCommand.run(args, io), env);
}

it("sync --json adds the VM from limactl list; ssh -G lima-cli1 resolves through the user's config", async () => {
  const r = await cli("sync", "--json", "--config", userConfig);
  assert.equal(r.code, 0, r.err + r.out);
  const result = JSON.parse(r.out);
  assert.equal(result.block, "inserted");
  assert.deepEqual(result.hosts.map((h: { alias: string; state: string }) => [h.alias, h.state]), [["lima-cli1", "ok"]]);
  assert.equal(sshGValue(userConfig, "lima-cli1", "port"), "50123");
  assert.equal(sshGValue(userConfig, "lima-cli1", "user"), "tester");
  assert.equal(sshGValue(userConfig, "elsewhere", "user"), "everyone");
});

it("status in words, then remove restores the file", async () => {
  const s = await cli("status", "--config", userConfig);
  assert.equal(s.code, 0, s.err + s.out);
  assert.match(s.out, /nixlima's Include is in place and first/);
  assert.match(s.out, /lima-cli1: ok \(tester@127\.0\.0\.1:50123/);
  const r = await cli("remove", "--config", userConfig);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(userConfig, "utf8"), own);
  const after = await cli("status", "--config", userConfig);
  assert.equal(after.code, 1);
  assert.match(after.out, /no nixlima Include/);
});

it("usage errors exit 2 and say what is wrong", async () => {
  const r = await cli("frobnicate");
  assert.equal(r.code, 2);
  assert.match(r.err, /^nixlima: Unknown action "frobnicate": say sync, status or remove\.\nusage: /);
});
