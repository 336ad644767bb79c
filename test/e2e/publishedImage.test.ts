// The dev template on the published nixos-lima v0.2.1 image, which nixlima's templates fall back
// to when the user built no image. That image cannot be downloaded here, so the test guest boots
// with a FAKE of its init (scripts/setup/guest/fake-nixos-lima/): no /run/host-services, and
// provision.system scripts run before /run/lima-ssh-ready. Lima 2.2 links the forwarded ssh agent
// into /run/host-services right after ssh is ready; the provision the helper renders for such a
// VM (helper/src/templates/hostServices.ts) makes the folder first. Without it the same boot ends
// DEGRADED, which shows the test can fail. Only the real image can prove the real init.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { parseTemplate, renderTemplate } from "../../helper/src/templates/render";
import { limactlPath, repoRoot, tempLimaHome } from "../support/lima";
import { startSshAgent, type TestSshAgent } from "../support/sshAgent";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, guestShell, instanceLogTail, limaEnv, limactl, secondsSince } from "../support/testVmRun";

const home = tempLimaHome();
const host = mkdtempSync(join(tmpdir(), "nixlima-published-"));
let sshAgent: TestSshAgent;

/** templates/dev.yaml as the helper renders it for a new VM. */
function renderedDev(): Record<string, unknown> {
  const path = join(repoRoot, "templates/dev.yaml");
  return parse(renderTemplate(parseTemplate(readFileSync(path, "utf8"), path), {})) as Record<string, unknown>;
}

/** Creates and starts `name` on the fake published image with the host's ssh agent; the start's exit code and log. */
async function boot(name: string, template: Record<string, unknown>): Promise<{ exitCode?: number; log: string }> {
  const started = performance.now();
  await limactl(home.dir, ["create", "--name", name, "-"], { input: stringify(testVmConfig(template, { init: "fake-nixos-lima" })) });
  const env = { ...process.env, ...limaEnv(home.dir), SSH_AUTH_SOCK: sshAgent.socket };
  const run = await execa(limactlPath, ["--tty=false", "start", name], { env, extendEnv: false, reject: false, timeout: 600_000 });
  console.log(`${name}: create and start took ${secondsSince(started)} s (exit ${run.exitCode})`);
  return { exitCode: run.exitCode, log: run.stderr };
}

before(async () => {
  sshAgent = await startSshAgent(host);
});

after(async () => {
  await sshAgent?.stop();
  home.dispose();
  rmSync(host, { recursive: true, force: true });
});

test("the rendered dev template reaches READY with a forwarded ssh agent on an image without /run/host-services", { timeout: 900_000 }, async () => {
  const name = "e2e-published-dev";
  const template = renderedDev();
  assert.equal((template.ssh as Record<string, unknown>).forwardAgent, true);
  try {
    const { exitCode, log } = await boot(name, template);
    if (exitCode !== 0) console.error(instanceLogTail(home.dir, name));
    assert.equal(exitCode, 0, log);
    assert.match(log, /READY/);
    assert.doesNotMatch(log, /DEGRADED/);
    const guest = (script: string) => guestShell(home.dir, name, script);
    assert.equal((await guest("systemctl is-active fake-nixos-lima-init.service; test -e /var/lib/cloud/instance && echo cloud-init || echo no-cloud-init")).trim(), "active\nno-cloud-init");
    assert.equal((await guest("stat -c '%U %a' /run/host-services")).trim(), `${(await guest("id -un")).trim()} 700`);
    // Lima's link: to the agent socket sshd made for the session that ran Lima's script, and it reaches the host's agent.
    assert.match((await guest("readlink /run/host-services/ssh-auth.sock")).trim(), /^\/tmp\/ssh-[^/]+\/agent\.\d+$/);
    assert.ok((await guest("SSH_AUTH_SOCK=/run/host-services/ssh-auth.sock ssh-add -l")).includes(sshAgent.fingerprint));
  } finally {
    await destroyInstance(home.dir, name);
  }
});

test("without that provision the same boot ends DEGRADED: the folder is missing and Lima's agent link fails", { timeout: 900_000 }, async () => {
  const name = "e2e-published-bare";
  const template = renderedDev();
  delete template.provision;
  try {
    const { exitCode, log } = await boot(name, template);
    assert.notEqual(exitCode, 0);
    assert.match(log, /DEGRADED/);
    assert.match(log, /host-services/);
    assert.equal((await guestShell(home.dir, name, "test -e /run/host-services && echo there || echo missing")).trim(), "missing");
  } finally {
    await destroyInstance(home.dir, name);
  }
});
