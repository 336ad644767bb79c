// On a real booted VM: after `nixlima ssh-config sync`, the user's own ssh (no -F), scp and rsync
// reach it as lima-NAME through ~/.ssh/config; after a stop and start on a new port they still do,
// with no second sync; and `remove` gives the user back their file byte for byte.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execa } from "execa";
import { stringify } from "yaml";
import { limactlPath, repoRoot, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limactl, limaEnv, secondsSince } from "../support/testVmRun";

const name = "e2e-ssh";
const alias = `lima-${name}`;
// The test user's own ssh config: ssh reads the passwd home's, whatever $HOME says.
const userConfig = join(homedir(), ".ssh", "config");
const userContent = "# the user's own settings\nHost *\n  ServerAliveInterval 15\n\nHost work\n  HostName work.example.invalid\n";

function nixlima(args: string[], env: Record<string, string>) {
  return execa(process.execPath, ["--import", "tsx", join(repoRoot, "helper/src/main.ts"), ...args], { env: { ...process.env, ...env }, reject: false, cwd: repoRoot });
}

// No -F: what the user types in a terminal. BatchMode: a prompt would hang the test.
const ssh = (...args: string[]) => execa("ssh", ["-o", "BatchMode=yes", ...args], { timeout: 60_000 });

test("plain ssh, scp and rsync reach a real VM through the user's ssh config, across a restart", { timeout: 20 * 60_000 }, async () => {
  const home = tempLimaHome();
  const work = mkdtempSync(join(tmpdir(), "nixlima-ssh-e2e-"));
  const saved = existsSync(userConfig) ? readFileSync(userConfig) : undefined;
  const env = { ...limaEnv(home.dir), NIXLIMA_LIMACTL: limactlPath, NIXLIMA_SSH_DIR: join(work, "nixlima-ssh") };
  try {
    mkdirSync(join(homedir(), ".ssh"), { recursive: true, mode: 0o700 });
    writeFileSync(userConfig, userContent, { mode: 0o600 });
    await limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig({})) });
    let t = performance.now();
    const started = await nixlima(["start", name], env);
    assert.equal(started.exitCode, 0, started.stderr);
    console.log(`ssh e2e: start took ${secondsSince(t)} s`);

    const sync = await nixlima(["ssh-config", "sync", "--json"], env);
    assert.equal(sync.exitCode, 0, sync.stderr);
    const report = JSON.parse(sync.stdout) as { hosts: { alias: string; state: string }[] };
    assert.deepEqual(report.hosts.map((h) => [h.alias, h.state]), [[alias, "ok"]]);

    t = performance.now();
    assert.match((await ssh(alias, "uname", "-n")).stdout, new RegExp(`^${alias}$`, "m"));
    writeFileSync(join(work, "hello.txt"), "hello from the host\n");
    await execa("scp", ["-o", "BatchMode=yes", join(work, "hello.txt"), `${alias}:hello.txt`], { timeout: 60_000 });
    assert.equal((await ssh(alias, "cat", "hello.txt")).stdout, "hello from the host");
    mkdirSync(join(work, "tree/sub"), { recursive: true });
    writeFileSync(join(work, "tree/sub/a.txt"), "a\n");
    await execa("rsync", ["-a", `${join(work, "tree")}/`, `${alias}:tree/`], { timeout: 60_000 });
    assert.equal((await ssh(alias, "cat", "tree/sub/a.txt")).stdout, "a");
    console.log(`ssh e2e: ssh, scp and rsync took ${secondsSince(t)} s`);
    // The Include sits above the user's `Host *`, and the user's other host resolves as before.
    const config = readFileSync(userConfig, "utf8");
    assert.ok(config.indexOf("Include") < config.indexOf("Host *"), config);
    assert.match((await execa("ssh", ["-G", "work"])).stdout, /^hostname work\.example\.invalid$/m);

    const portBefore = (await ssh("-G", alias)).stdout.match(/^port (\d+)$/m)?.[1];
    await limactl(home.dir, ["stop", name], { timeoutMs: 180_000 });
    t = performance.now();
    await limactl(home.dir, ["start", name], { timeoutMs: 600_000 });
    console.log(`ssh e2e: second start (from a terminal, no nixlima) took ${secondsSince(t)} s`);
    const portAfter = (await ssh("-G", alias)).stdout.match(/^port (\d+)$/m)?.[1];
    assert.notEqual(portAfter, portBefore, "Lima picked a new port, and ssh sees it without a sync");
    // The guest's home is on its disk, so what scp put there is still there.
    assert.match((await ssh(alias, "cat", "hello.txt")).stdout, /hello from the host/);

    const removed = await nixlima(["ssh-config", "remove"], env);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.equal(readFileSync(userConfig, "utf8"), userContent, "the user's file is back byte for byte");
    const gone = await execa("ssh", ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", alias, "true"], { reject: false, timeout: 30_000 });
    assert.notEqual(gone.exitCode, 0, "without nixlima's Include the alias no longer resolves");
  } catch (error) {
    console.error(instanceLogTail(home.dir, name));
    throw error;
  } finally {
    await destroyInstance(home.dir, name);
    if (saved === undefined) rmSync(userConfig, { force: true });
    else writeFileSync(userConfig, saved, { mode: 0o600 });
    rmSync(work, { recursive: true, force: true });
    home.dispose();
  }
});
