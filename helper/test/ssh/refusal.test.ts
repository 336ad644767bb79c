// Every case where nixlima must not write the user's config: the file (bytes and mtime) stays
// exactly as it was, and the message names the one line to add by hand.
import assert from "node:assert/strict";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { NixlimaError } from "../../src/errors";
import { syncSshConfig, removeSshConfig } from "../../src/ssh";
import { endMarker, startMarker } from "../../src/ssh/managedBlock";
import { makeWorld, sshGValue, writeLimaSshConfig, type World } from "./world";

let w: World;
beforeEach(() => {
  w = makeWorld();
  mkdirSync(w.sshDir, { recursive: true, mode: 0o700 });
});
afterEach(() => {
  chmodSync(w.sshDir, 0o700);
  w.dispose();
});

const userOwn = "Host box\n  HostName box.example.com\n";
const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 7_200_000);

function place(path: string, content: string, mode = 0o600): Buffer {
  if (existsSync(path)) chmodSync(path, 0o600);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  utimesSync(path, old, old);
  return readFileSync(path);
}

async function assertRefused(run: () => Promise<unknown>, path: string, before: Buffer, message: RegExp): Promise<NixlimaError> {
  let caught: unknown;
  await run().catch((e: unknown) => {
    caught = e;
  });
  assert.ok(caught instanceof NixlimaError, `expected a refusal, got ${String(caught)}`);
  assert.match(caught.message, message);
  assert.deepEqual(readFileSync(path), before, "file untouched");
  assert.equal(statSync(path).mtimeMs, old.getTime(), "mtime untouched");
  return caught;
}

describe("damaged markers", () => {
  const cases: Record<string, string> = {
    "two blocks": `${startMarker}\nInclude "/x"\n${endMarker}\n${userOwn}${startMarker}\n${endMarker}\n`,
    "start without end": `${startMarker}\nInclude "/x"\n${userOwn}`,
    "end without start": `${userOwn}${endMarker}\n`,
    "end before start": `${endMarker}\n${userOwn}${startMarker}\n`,
  };
  for (const [name, content] of Object.entries(cases)) {
    it(`${name}: sync and remove refuse, nothing written`, async () => {
      const before = place(w.userConfig, content);
      const sync = () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir });
      await assertRefused(sync, w.userConfig, before, /nixlima will not change your ssh config because .*remove the nixlima marker lines by hand/);
      assert.equal(existsSync(join(w.nixlimaDir, "config")), false, "nixlima's own file not written either");
      await assertRefused(() => removeSshConfig({ userConfigPath: w.userConfig, nixlimaDir: w.nixlimaDir }), w.userConfig, before, /marker/);
    });
  }
});

describe("read-only configs", () => {
  it("a home-manager link into a read-only store: refused with the Include line; once the user adds it, sync works without writing", async () => {
    const store = join(w.root, "nix", "store");
    const generation = join(store, "abc123-home-manager-files", ".ssh");
    mkdirSync(generation, { recursive: true });
    const real = join(generation, "config");
    const before = place(real, userOwn, 0o444);
    chmodSync(generation, 0o555);
    symlinkSync(real, w.userConfig);
    const req = { userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir, readOnlyStores: [`${store}/`] };
    const err = await assertRefused(() => syncSshConfig(req), real, before, /read-only store .*add this line at the top of it yourself: Include ".*nixlima-ssh\/config"/);
    assert.match(err.hint ?? "", /programs\.ssh\.includes = \[ ".*nixlima-ssh\/config" \];/);
    assert.ok(lstatSync(w.userConfig).isSymbolicLink());
    // nixlima's own file is ready, so the line works as soon as the user adds it.
    assert.ok(existsSync(join(w.nixlimaDir, "config")));

    // The user's Nix configuration now renders the line (as home-manager does, at the top).
    chmodSync(generation, 0o755);
    const line = err.message.slice(err.message.indexOf("Include "), -1);
    const withLine = place(real, `${line}\n${userOwn}`, 0o444);
    chmodSync(generation, 0o555);
    const result = await syncSshConfig(req);
    assert.equal(result.block, "manual");
    assert.equal(result.userConfigChanged, false);
    assert.deepEqual(readFileSync(real), withLine);
    assert.equal(sshGValue(w.userConfig, "lima-dev", "port"), "41234");
    chmodSync(generation, 0o755);
  });

  it("a config file without write permission", async () => {
    const before = place(w.userConfig, userOwn, 0o400);
    await assertRefused(
      () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir }),
      w.userConfig,
      before,
      /is not writable; add this line at the top of it yourself: Include "/,
    );
  });

  it("a folder without write permission (no atomic replace possible)", async () => {
    const before = place(w.userConfig, userOwn, 0o600);
    chmodSync(w.sshDir, 0o500);
    await assertRefused(
      () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir }),
      w.userConfig,
      before,
      /folder .* is not writable/,
    );
  });
});

describe("configs ssh itself rejects, and writes that would change other hosts", () => {
  it("a config ssh cannot read is left alone", async () => {
    const before = place(w.userConfig, 'Host "unbalanced\n  HostName x\n');
    await assertRefused(
      () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir }),
      w.userConfig,
      before,
      /ssh cannot read .* fix that first/,
    );
  });

  it("a Lima ssh.config edited to hold a global option: the change to other hosts is caught by a dry run before any write", async () => {
    writeLimaSshConfig(w.limaHome, "dev", "alice", 41234);
    const limaFile = join(w.limaHome, "dev", "ssh.config");
    writeFileSync(limaFile, `Port 2200\n${readFileSync(limaFile, "utf8")}`, { mode: 0o600 });
    const before = place(w.userConfig, userOwn);
    await assertRefused(
      () => syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir }),
      w.userConfig,
      before,
      /would change how ssh resolves .*box \(was "port 22", now "port 2200"\).*left .* as it is/,
    );
    assert.equal(existsSync(join(w.nixlimaDir, "config")), false, "nixlima's new file is rolled back too");
  });
});
