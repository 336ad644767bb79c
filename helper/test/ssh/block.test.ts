// A nixlima block already in the file: kept where it is when that is safe, moved to the top when
// a Host/Match line scopes it, rewritten when out of date; paths ssh must read back exactly.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { removeSshConfig, sshConfigStatus, syncSshConfig } from "../../src/ssh";
import { endMarker, startMarker } from "../../src/ssh/managedBlock";
import { accountHome, sshConfigPathArg } from "../../src/ssh/paths";
import { makeWorld, sshGValue, writeLimaSshConfig, type World } from "./world";

let w: World;
beforeEach(() => {
  w = makeWorld();
  mkdirSync(w.sshDir, { recursive: true, mode: 0o700 });
});
afterEach(() => w.dispose());

const sync = () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir });
const include = () => `Include ${sshConfigPathArg(join(w.nixlimaDir, "config"))}`;

describe("an existing block", () => {
  it("below a Host line (where ssh scopes it to that host): moved to the top, the user's lines keep their order", async () => {
    const own = "Host box\n  HostName box.example.com\nHost *\n  User star\n";
    writeFileSync(w.userConfig, `Host box\n  HostName box.example.com\n${startMarker}\n${include()}\n${endMarker}\nHost *\n  User star\n`);
    assert.equal((await sshConfigStatus({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir })).block, "scoped");
    const r = await sync();
    assert.equal(r.block, "moved");
    assert.equal(readFileSync(w.userConfig, "utf8"), `${startMarker}\n${include()}\n${endMarker}\n${own}`);
    assert.equal(sshGValue(w.userConfig, "lima-dev", "user"), "alice");
    await removeSshConfig({ userConfigPath: w.userConfig, nixlimaDir: w.nixlimaDir });
    assert.equal(readFileSync(w.userConfig, "utf8"), own);
  });

  it("after global options but before any Host: left where the user put it", async () => {
    const content = `# mine\nServerAliveInterval 5\n${startMarker}\n${include()}\n${endMarker}\nHost box\n  HostName b\n`;
    writeFileSync(w.userConfig, content);
    assert.equal((await sync()).block, "unchanged");
    assert.equal(readFileSync(w.userConfig, "utf8"), content);
  });

  it("out of date or edited by hand (CRLF file): rewritten in place with CRLF", async () => {
    writeFileSync(w.userConfig, `Port 2\r\n${startMarker}\r\nInclude "/old/place"\r\nUser sneaky\r\n${endMarker}\r\nHost box\r\n`);
    assert.equal((await sshConfigStatus({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir })).block, "outdated");
    assert.equal((await sync()).block, "updated");
    assert.equal(readFileSync(w.userConfig, "utf8"), `Port 2\r\n${startMarker}\r\n${include()}\r\n${endMarker}\r\nHost box\r\n`);
  });
});

describe("VMs follow", () => {
  it("a new port after a restart is picked up without a sync; a deleted VM disappears on the next sync", async () => {
    await sync();
    writeLimaSshConfig(w.limaHome, "dev", "alice", 47000); // what Lima does on every start
    assert.equal(sshGValue(w.userConfig, "lima-dev", "port"), "47000");
    const stale = await sshConfigStatus({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir });
    assert.equal(stale.hosts[0]!.state, "mismatch", "listed port 41234 vs Lima's file");
    assert.match(stale.hosts[0]!.problem!, /says port 47000 but the VM listens on 41234/);
    w.vms = w.vms.filter((vm) => vm.name !== "dev");
    await sync();
    assert.equal(sshGValue(w.userConfig, "lima-dev", "hostname"), "lima-dev");
    assert.equal(sshGValue(w.userConfig, "lima-agent-1", "port"), "45678");
  });
});

describe("paths in the Include line", () => {
  for (const [name, dir] of [
    ["with a space", "with space/ssh"],
    ["with glob characters", "br[a]ck*et?/ssh"],
  ] as const) {
    it(`${name}: ssh reads back exactly nixlima's file`, async () => {
      w.nixlimaDir = join(w.root, dir);
      await sync();
      assert.equal(sshGValue(w.userConfig, "lima-dev", "port"), "41234");
    });
  }

  it("under the account's home: written as ~/…, which ssh expands from the password database", async () => {
    const dir = join(accountHome(), `.cache/nixlima-test-${process.pid}`);
    w.nixlimaDir = join(dir, "ssh");
    try {
      await sync();
      assert.match(readFileSync(w.userConfig, "utf8"), new RegExp(`Include "~/\\.cache/nixlima-test-${process.pid}/ssh/config"`));
      assert.equal(sshGValue(w.userConfig, "lima-dev", "port"), "41234");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a path ssh cannot read back", () => {
    for (const bad of ['/tmp/a"b', "/tmp/100%", "/tmp/back\\slash", "/tmp/new\nline"]) {
      assert.throws(() => sshConfigPathArg(bad), /cannot read back/, bad);
    }
  });
});
