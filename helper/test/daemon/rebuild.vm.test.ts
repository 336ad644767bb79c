// "Rebuild VM" through the real helper process on the real test VM (real limactl, QEMU guest,
// OpenSSH). NixOS cannot run here, so this test installs a FAKE `nixos-rebuild` in the Debian
// guest: a few lines of shell that print nixos-rebuild(-ng)'s real messages, record how they
// were called (argv, uid) and exit 0, or fail like a flake without the configuration. Everything
// else — limactl shell, ssh, sudo, the job, its stages, its result and error — is real.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { stringify } from "yaml";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { Requests, type Job, type JobTick } from "../../src/protocol";
import { request } from "../../src/rpc";
import { Recorder, startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { tempLimaHome } from "../../../test/support/lima";
import { testVmConfig } from "../../../test/support/testVm";
import { bootTestVm, destroyInstance, guestShell } from "../../../test/support/testVmRun";

const NAME = "rb";
const lima = tempLimaHome();
let helper: HelperProcess;
let conn: MessageConnection;
let events: Recorder;

// FAKE nixos-rebuild (see the header): real message texts, no NixOS.
const FAKE_NIXOS_REBUILD = String.raw`#!/bin/bash
printf '%s\n' "$@" > /tmp/rebuild.args; id -u > /tmp/rebuild.uid
echo "building the system configuration..." >&2
case "$3" in
  *'#broken')
    echo "error: flake 'path:/etc/nixos' does not provide attribute 'nixosConfigurations.broken'" >&2
    exit 1 ;;
esac
echo "these 2 derivations will be built:" >&2
echo "  /nix/store/0a7l5kbcn7w0sqf3b2dmkmgjfhz5gcz8-etc.drv" >&2
echo "building '/nix/store/0a7l5kbcn7w0sqf3b2dmkmgjfhz5gcz8-etc.drv'..." >&2
echo "building '/nix/store/1b4i3g6cmwbvnk8wq4mxg4ahlhd5qxa2-nixos-system-rb-25.11.drv'..." >&2
echo "activating the configuration..." >&2
echo "setting up /etc..." >&2
echo "reloading user units for me..." >&2
echo "Done. The new configuration is /nix/store/p3q744b7fnvnyigaxksfypsxx8q86lgb-nixos-system-rb-25.11"
`;

const guest = (script: string, input?: string) => guestShell(lima.dir, NAME, script, input);

before(async () => {
  // The header nixlima's templates start with, so the helper knows the template.
  const yaml = `# nixlima template "dev": rebuild test\n${stringify(testVmConfig({}))}`;
  await bootTestVm(lima.dir, NAME, "rebuild", yaml);
  await guest("sudo tee /usr/local/bin/nixos-rebuild > /dev/null && sudo chmod 755 /usr/local/bin/nixos-rebuild", FAKE_NIXOS_REBUILD);
  helper = await startHelper(lima.dir);
  conn = await helper.connectClient();
  events = new Recorder(conn);
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
});

const ended = (id: string) => events.waitFor<Job>("jobs/changed", (j) => j.id === id && j.state !== "running", 120_000);

test("the proposed flake is the config folder (no project mount) and the VM's template and arch", async () => {
  assert.deepEqual(await request(conn, Requests.rebuildDefault, { vm: NAME }), { flake: "/etc/nixos#dev-x86_64" });
});

test("a rebuild runs sudo nixos-rebuild switch in the VM, with its stages in order, and shows the new system", { timeout: 180_000 }, async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "rebuild", vm: NAME, rebuild: { flake: "/etc/nixos#dev-x86_64" } });
  const done = await ended(job.id);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
  const stages = events.seen
    .filter((n) => n.method === "jobs/progress" && (n.params as JobTick).id === job.id)
    .map((n) => (n.params as JobTick).progress.stage)
    .filter((s, i, all) => s !== all[i - 1] && s !== "Queued");
  // Quick stages may be folded into the next update; the order must still be nixos-rebuild's.
  const order = ["starting", "building", "installing boot loader", "activating", "switching", "done"];
  assert.deepEqual([...stages].sort((a, b) => order.indexOf(a) - order.indexOf(b)), stages, stages.join(" → "));
  assert.ok(stages.includes("building") && stages.includes("switching") && stages.at(-1) === "done", stages.join(" → "));
  assert.equal(done.progress.message, "switched to /nix/store/p3q744b7fnvnyigaxksfypsxx8q86lgb-nixos-system-rb-25.11");
  assert.equal(await guest("cat /tmp/rebuild.args"), "switch\n--flake\n/etc/nixos#dev-x86_64");
  assert.equal((await guest("cat /tmp/rebuild.uid")).trim(), "0", "nixos-rebuild runs as root");
});

test("a failing rebuild fails the job with nixos-rebuild's own error", { timeout: 180_000 }, async () => {
  const job = await request(conn, Requests.jobsStart, { kind: "rebuild", vm: NAME, rebuild: { flake: "/etc/nixos#broken" } });
  const done = await ended(job.id);
  assert.equal(done.state, "failed");
  assert.equal(
    done.error?.message,
    "nixos-rebuild switch in `rb` failed: flake 'path:/etc/nixos' does not provide attribute 'nixosConfigurations.broken'.",
  );
});

test("a flake reference with shell characters is refused before anything runs", async () => {
  await guest("sudo rm -f /tmp/rebuild.args"); // written by the fake, which runs as root
  const job = await request(conn, Requests.jobsStart, { kind: "rebuild", vm: NAME, rebuild: { flake: "/etc/nixos#x;reboot" } });
  const done = await ended(job.id);
  assert.equal(done.state, "failed");
  assert.equal(done.error?.code, "usage");
  assert.equal(await guest("test -e /tmp/rebuild.args || echo absent"), "absent", "nixos-rebuild was not run");
});

test("boot + restart: nixos-rebuild boot, a restart through its stages, and the home folder's data is still there", { timeout: 900_000 }, async () => {
  await guest("echo kept > ~/before-rebuild.txt && sync");
  const job = await request(conn, Requests.jobsStart, { kind: "rebuild", vm: NAME, rebuild: { flake: "/etc/nixos#dev-x86_64", mode: "boot" } });
  const done = await events.waitFor<Job>("jobs/changed", (j) => j.id === job.id && j.state !== "running", 840_000);
  assert.equal(done.state, "succeeded", JSON.stringify(done.error));
  const stages = events.seen
    .filter((n) => n.method === "jobs/progress" && (n.params as JobTick).id === job.id)
    .map((n) => (n.params as JobTick).progress.stage);
  assert.ok(stages.includes("Restarting into the new system"), stages.join(" → "));
  assert.equal(stages.at(-1), "Running the new system");
  assert.ok(stages.indexOf("done") < stages.indexOf("Restarting into the new system"), stages.join(" → "));
  assert.equal((await guest("cat ~/before-rebuild.txt")).trim(), "kept");
  // The fake's record in /tmp went with the restart (tmpfs); the job's log keeps the command it ran.
  const lines = events.seen.filter((n) => n.method === "jobs/log" && (n.params as { id: string }).id === job.id).map((n) => (n.params as { line: string }).line);
  assert.ok(lines.some((l) => / sudo -n nixos-rebuild boot --flake '?\/etc\/nixos#dev-x86_64'?$/.test(l)), lines.slice(0, 5).join("\n"));
});
