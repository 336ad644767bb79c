// Every real-world config in fixtures/corpus: sync, sync again (byte-identical, mtime kept),
// remove (byte-identical to the original); `ssh -G` of every host the config names is what it
// was before nixlima touched it, and each started VM resolves to what Lima wrote.
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, readdirSync, readFileSync, existsSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { removeSshConfig, syncSshConfig } from "../../src/ssh";
import { startMarker } from "../../src/ssh/managedBlock";
import { fixtures, hostNamesIn, makeWorld, sshG, sshGValue, type World } from "./world";

const corpus = readdirSync(join(fixtures, "corpus")).filter((f) => f.endsWith(".conf")).sort();
const managed = new Set(["lima-dev", "lima-agent-1", "lima-fresh"]);

function includedText(world: World): string {
  const dir = join(world.root, "inc");
  const files = [join(dir, "global.conf"), join(dir, "work-extra.conf"), ...readdirSync(join(dir, "config.d")).map((f) => join(dir, "config.d", f))];
  return files.map((f) => readFileSync(f, "latin1")).join("\n");
}

function assertVmsResolve(world: World, config: string): void {
  for (const [alias, port] of [["lima-dev", "41234"], ["lima-agent-1", "45678"]] as const) {
    assert.equal(sshGValue(config, alias, "hostname"), "127.0.0.1", `${alias} hostname`);
    assert.equal(sshGValue(config, alias, "port"), port, `${alias} port`);
    assert.equal(sshGValue(config, alias, "user"), "alice", `${alias} user`);
    assert.equal(sshGValue(config, alias, "identityfile"), join(world.limaHome, "_config/user"), `${alias} key`);
  }
  // Never started: no Lima file yet, so ssh knows nothing about it (but does not fail either).
  assert.equal(sshGValue(config, "lima-fresh", "hostname"), "lima-fresh");
}

/** One full round on `world.userConfig` (already set up), against `original` (undefined: no file). */
async function roundTrip(world: World, original: Buffer | undefined): Promise<void> {
  const target = world.userConfig;
  const real = existsSync(target) ? target : undefined;
  const hosts = hostNamesIn((original?.toString("latin1") ?? "") + "\n" + includedText(world)).filter((h) => !managed.has(h));
  const baseline = new Map(hosts.map((h) => [h, sshG(real, h)]));

  const first = await syncSshConfig({ userConfigPath: target, vms: world.vms, nixlimaDir: world.nixlimaDir });
  assert.equal(first.block, "inserted");
  assert.equal(first.userConfigChanged, true);
  const synced = readFileSync(target);
  const text = synced.toString("latin1");
  assert.ok(text.startsWith(`${startMarker}`), "the block is the first thing in the file");
  // Everything after the block is the user's file, byte for byte.
  const blockEnd = text.indexOf("# <<< nixlima <<<");
  const afterBlock = synced.subarray(text.indexOf("\n", blockEnd) + 1);
  assert.deepEqual(afterBlock, original ?? Buffer.alloc(0));
  if (original?.includes("\r\n")) assert.match(text.slice(0, blockEnd + 30), /^[^\n]*\r\n[^\n]*\r\n# <<< nixlima <<<\r\n/);

  for (const h of hosts) assert.equal(sshG(target, h), baseline.get(h), `ssh -G ${h} changed`);
  assertVmsResolve(world, target);
  assert.deepEqual(first.hosts.map((h) => h.state), ["ok", "ok", "not-started"]);
  const leftovers = readdirSync(world.nixlimaDir).filter((f) => f !== "config" && f !== "created-configs.json");
  assert.deepEqual(leftovers, [], "no lock, dry-run or temp files left behind");

  const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
  utimesSync(target, old, old);
  utimesSync(first.nixlimaConfigPath, old, old);
  const second = await syncSshConfig({ userConfigPath: target, vms: world.vms, nixlimaDir: world.nixlimaDir });
  assert.equal(second.block, "unchanged");
  assert.equal(second.userConfigChanged, false);
  assert.equal(second.nixlimaConfigChanged, false);
  assert.deepEqual(readFileSync(target), synced);
  assert.equal(statSync(target).mtimeMs, old.getTime());
  assert.equal(statSync(first.nixlimaConfigPath).mtimeMs, old.getTime());

  const removed = await removeSshConfig({ userConfigPath: target, nixlimaDir: world.nixlimaDir });
  assert.equal(removed.block, "removed");
  if (original === undefined) assert.equal(existsSync(target), false, "a config nixlima created is deleted again");
  else assert.deepEqual(readFileSync(target), original);
  assert.equal(existsSync(first.nixlimaConfigPath), false);
  for (const h of hosts) assert.equal(sshG(real ?? (existsSync(target) ? target : undefined), h), baseline.get(h), `ssh -G ${h} after remove`);
}

describe("ssh-config corpus", () => {
  let world: World;
  before(() => {
    world = makeWorld();
  });
  after(() => world.dispose());

  it("has at least 25 real-world configs", () => assert.ok(corpus.length >= 25, `${corpus.length} configs`));

  for (const name of corpus) {
    it(name, async () => {
      const raw = readFileSync(join(fixtures, "corpus", name)).toString("latin1").replaceAll("@TMP@", world.root);
      const original = Buffer.from(raw, "latin1");
      mkdirSync(world.sshDir, { recursive: true, mode: 0o700 });
      writeFileSync(world.userConfig, original, { mode: 0o600 });
      await roundTrip(world, original);
    });
  }

  it("no file at all: creates ~/.ssh (0700) and the config (0600), and remove deletes it again", async () => {
    const w = makeWorld();
    try {
      await syncSshConfig({ userConfigPath: w.userConfig, vms: w.vms, nixlimaDir: w.nixlimaDir });
      assert.equal(statSync(w.sshDir).mode & 0o777, 0o700);
      assert.equal(statSync(w.userConfig).mode & 0o777, 0o600);
      assert.equal(statSync(w.nixlimaDir).mode & 0o777, 0o700);
      assert.equal(statSync(join(w.nixlimaDir, "config")).mode & 0o777, 0o600);
      await removeSshConfig({ userConfigPath: w.userConfig, nixlimaDir: w.nixlimaDir });
      assert.equal(existsSync(w.userConfig), false);
      await roundTrip(w, undefined);
    } finally {
      w.dispose();
    }
  });

  it("a symlinked config (dotfiles repo): the link stays a link, its target gets the block, remove restores it", async () => {
    const w = makeWorld();
    try {
      const dotfiles = join(w.root, "dotfiles");
      mkdirSync(dotfiles);
      mkdirSync(w.sshDir, { recursive: true, mode: 0o700 });
      const original = readFileSync(join(fixtures, "corpus", "02-host-star-first.conf"));
      writeFileSync(join(dotfiles, "ssh_config"), original, { mode: 0o644 });
      symlinkSync(join(dotfiles, "ssh_config"), w.userConfig);
      await roundTrip(w, original);
      assert.ok(lstatSync(w.userConfig).isSymbolicLink());
      assert.equal(statSync(join(dotfiles, "ssh_config")).mode & 0o777, 0o644, "the file keeps its mode");
    } finally {
      w.dispose();
    }
  });
});
