// The persistent dev VM on the real QEMU test guest (one boot for all, to spare the machine):
// a host ssh agent forwarded as a host socket is reached from inside after start and after a
// restart; a snapshot, a file written after it, Reset to checkpoint, and the file is gone; data
// in the home folder survives the restart. Everything is real: limactl, QEMU, OpenSSH, ssh-agent.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { stringify } from "yaml";
import { Limactl } from "../../src/lima/limactl";
import { restartVm, type Reporter } from "../../src/lima/operations";
import { listSnapshots, snapshotJob } from "../../src/lima/snapshots";
import type { Progress } from "../../src/protocol";
import { planHostSockets } from "../../src/templates/hostSockets";
import { parseTemplate, renderTemplate } from "../../src/templates/render";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";
import { startSshAgent, type TestSshAgent } from "../../../test/support/sshAgent";
import { testVmConfig } from "../../../test/support/testVm";
import { bootTestVm, destroyInstance, guestShell, secondsSince } from "../../../test/support/testVmRun";

const NAME = "devvm";
const lima = tempLimaHome();
const agentDir = tempLimaHome();
let agent: TestSshAgent;
let l: Limactl;
const never = new AbortController().signal;
const guest = (script: string) => guestShell(lima.dir, NAME, script);

function recorder(): Reporter & { stages: Progress[] } {
  const stages: Progress[] = [];
  return { stages, progress: (p) => stages.push(p), log: () => undefined };
}

before(async () => {
  // A second agent, not the caller's: only the host socket forward can make it reachable.
  agent = await startSshAgent(agentDir.dir);
  const doc = parseTemplate(stringify(testVmConfig({})), "test-vm.yaml");
  const yaml = renderTemplate(doc, { sockets: planHostSockets([{ kind: "ssh-agent", hostPath: agent.socket }]) });
  await bootTestVm(lima.dir, NAME, "dev VM", yaml);
  l = await Limactl.locate({ path: limactlPath, limaHome: lima.dir }, { ...process.env, ...qemuEnv });
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  await agent?.stop();
  agentDir.dispose();
  lima.dispose();
});

/** `ssh-add -l` in the guest with the SSH_AUTH_SOCK the Lima user's sessions get. */
async function guestAgentKeys(): Promise<string> {
  return guest('echo "sock=$SSH_AUTH_SOCK"; ssh-add -l');
}

test("the host ssh agent is reached through its forwarded socket, with SSH_AUTH_SOCK set for the Lima user", async () => {
  const out = await guestAgentKeys();
  assert.match(out, /^sock=\/run\/host-services\/host-ssh-agent\.sock$/m);
  assert.ok(out.includes(agent.fingerprint), `ssh-add -l in the guest does not list the host agent's key:\n${out}`);
});

test("snapshot, write a file, reset to the snapshot: the file is gone; the snapshot is listed, then deleted", async () => {
  await guest("echo before > ~/kept.txt && sync");
  let t = performance.now();
  const r = recorder();
  await snapshotJob(l, NAME, { action: "create", tag: "clean" }, r, never);
  console.log(`# snapshot create (running test guest): ${secondsSince(t)} s`);
  assert.equal(r.stages.at(-1)?.stage, "Snapshot saved");
  assert.deepEqual((await listSnapshots(l, NAME)).map((s) => s.tag), ["clean"]);

  await guest("echo after > ~/later.txt && sync");
  assert.equal((await guest("cat ~/later.txt")).trim(), "after");
  await assert.rejects(snapshotJob(l, NAME, { action: "create", tag: "clean" }, recorder(), never), { code: "already-exists" });
  await assert.rejects(snapshotJob(l, NAME, { action: "apply", tag: "nope" }, recorder(), never), { code: "not-found" });

  t = performance.now();
  const reset = recorder();
  await snapshotJob(l, NAME, { action: "apply", tag: "clean" }, reset, never);
  console.log(`# reset to checkpoint of the running test guest (stop, apply, start): ${secondsSince(t)} s`);
  const stages = reset.stages.map((p) => p.stage);
  for (const s of ["Force-stopping", "Going back to the snapshot", "Starting the VM", "Back at the snapshot"]) assert.ok(stages.includes(s), `${s} missing from ${stages.join(", ")}`);
  assert.equal((await guest("test -e ~/later.txt && echo present || echo gone")).trim(), "gone");
  assert.equal((await guest("cat ~/kept.txt")).trim(), "before");

  await snapshotJob(l, NAME, { action: "delete", tag: "clean" }, recorder(), never);
  assert.deepEqual(await listSnapshots(l, NAME), []);
});

test("after a restart the home folder's data is there and the host agent is reached again", async () => {
  await guest("echo persists > ~/restart.txt && sync");
  const t = performance.now();
  await restartVm(l, NAME, recorder(), never);
  console.log(`# restart: ${secondsSince(t)} s`);
  assert.equal((await guest("cat ~/restart.txt")).trim(), "persists");
  const out = await guestAgentKeys();
  assert.ok(out.includes(agent.fingerprint), `after the restart ssh-add -l does not list the host agent's key:\n${out}`);
});
