// A start whose SSH port is taken on the host, with real limactl and QEMU: QEMU cannot set up the
// forward and exits at once, before the guest boots. Lima picks a VM's SSH port and its DNS port
// each as "free right now", so they can collide (CI saw exactly this), and nixlima then starts
// once more with new ports. Here the port is pinned in the VM's configuration and held by the test,
// so both starts meet it: the user reads one sentence naming the port (never Lima's
// "exiting, status={…}"), the log shows the second start, and the VM is left Stopped.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { stringify } from "yaml";
import { NixlimaError } from "../../helper/src/errors";
import { Limactl } from "../../helper/src/lima/limactl";
import { inspectVm, startVm } from "../../helper/src/lima/operations";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, limactl } from "../support/testVmRun";

const name = "e2e-porttaken";
const home = tempLimaHome();
let holder: Server;
let heldPort = 0;

before(async () => {
  // Hangs up at once: Lima's ssh probes of the port would otherwise wait for a banner forever.
  holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  heldPort = (holder.address() as { port: number }).port;
  const yaml = stringify({ ...testVmConfig({}), ssh: { localPort: heldPort } });
  const created = await limactl(home.dir, ["create", `--name=${name}`, "-"], { input: yaml });
  assert.equal(created.exitCode, 0, created.stderr);
});

after(async () => {
  holder.close();
  await destroyInstance(home.dir, name);
  home.dispose();
});

test("a taken SSH port ends the start with one sentence naming it, after one more try", { timeout: 300_000 }, async () => {
  const l = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, { ...process.env, ...qemuEnv });
  const log: string[] = [];
  const stages: string[] = [];
  const reporter = { progress: (p: { stage: string }) => stages.push(p.stage), log: (line: string) => log.push(line) };
  const failure = await startVm(l, name, reporter, new AbortController().signal).then(
    () => assert.fail("the start succeeded although its SSH port was taken"),
    (err: unknown) => err,
  );
  assert.ok(failure instanceof NixlimaError, String(failure));
  assert.equal(failure.message, `VM \`${name}\` failed to start: port ${heldPort} on this computer, chosen for its SSH connection, was already in use.`);
  assert.doesNotMatch(`${failure.message} ${failure.hint ?? ""}`, /status=\{|exit status/);
  assert.equal(log.filter((line) => /Starting again with new ports\.$/.test(line)).length, 1, log.join("\n"));
  assert.equal(log.filter((line) => /^\$ .* start e2e-porttaken$/.test(line)).length, 2, log.join("\n"));
  assert.ok(stages.includes("Starting again"), stages.join(", "));
  assert.equal((await inspectVm(l, name, undefined)).status, "Stopped");
});
