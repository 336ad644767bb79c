// The end-to-end test bed itself, proven with plain limactl: the real test guest is created,
// boots under QEMU (TCG) to READY, runs a command over ssh, survives a stop and a second start
// (on a new SSH port), and is deleted. Prints each stage's duration.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limactl, secondsSince } from "../support/testVmRun";

const name = "e2e-boot";

async function stage<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`boot: ${label} took ${secondsSince(start)} s`);
  return result;
}

async function runningSshPort(limaHome: string): Promise<number> {
  const { stdout } = await limactl(limaHome, ["list", "--json", name]);
  const vm = JSON.parse(stdout) as { status: string; sshLocalPort: number };
  assert.equal(vm.status, "Running");
  assert.ok(vm.sshLocalPort > 0, `no SSH port in ${stdout}`);
  return vm.sshLocalPort;
}

async function assertShellWorks(limaHome: string): Promise<void> {
  const { stdout } = await limactl(limaHome, ["shell", name, "uname", "-a"]);
  assert.match(stdout, new RegExp(`^Linux lima-${name} \\S+ .* x86_64 GNU/Linux$`, "m"));
}

test("the real test guest boots with the real limactl, restarts and is deleted", { timeout: 15 * 60_000 }, async () => {
  const home = tempLimaHome();
  try {
    await stage("create", () => limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig({})) }));

    const first = await stage("start to READY", () => limactl(home.dir, ["start", name], { timeoutMs: 600_000 }));
    assert.match(first.stderr, /READY/);
    const firstPort = await runningSshPort(home.dir);
    await stage("shell uname -a", () => assertShellWorks(home.dir));

    await stage("stop", () => limactl(home.dir, ["stop", name], { timeoutMs: 180_000 }));
    const { stdout } = await limactl(home.dir, ["list", "--json", name]);
    assert.equal((JSON.parse(stdout) as { status: string }).status, "Stopped");

    const second = await stage("second start to READY", () => limactl(home.dir, ["start", name], { timeoutMs: 600_000 }));
    assert.match(second.stderr, /READY/);
    const secondPort = await runningSshPort(home.dir);
    console.log(`boot: SSH port ${firstPort} on the first start, ${secondPort} on the second`);
    await stage("shell uname -a after restart", () => assertShellWorks(home.dir));

    await stage("stop again", () => limactl(home.dir, ["stop", name], { timeoutMs: 180_000 }));
    await stage("delete", () => limactl(home.dir, ["delete", name]));
    assert.equal(existsSync(join(home.dir, name)), false, "the instance directory is still there after delete");
  } catch (error) {
    console.error(instanceLogTail(home.dir, name));
    throw error;
  } finally {
    await destroyInstance(home.dir, name);
    home.dispose();
  }
});
