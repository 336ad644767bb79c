// Progress stages from limactl stderr JSON lines. The requirement lines are in both quoting styles:
// backquotes (Lima ≥ 2.2, `%#q`) and double quotes (≤ 2.1, e.g. nixos-lima issue #53, Lima 2.1.1).
import assert from "node:assert/strict";
import { test } from "node:test";
import { progressFromStderr } from "../../src/lima/progress";

const line = (msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ level: "info", msg, time: "2026-11-22T03:10:49Z", ...extra });

test("requirement lines in both quoting styles give the same plain stage", () => {
  const modern = progressFromStderr(line("[hostagent] Waiting for the essential requirement 2 of 3: `user session is ready for ssh`"));
  const old = progressFromStderr(line('[hostagent] Waiting for the essential requirement 2 of 3: "user session is ready for ssh"'));
  assert.deepEqual(modern, old);
  assert.equal(modern!.stage, "Booting (2 of 3): waiting for the user session");
  assert.equal(modern!.message, undefined);
  assert.ok(modern!.fraction! > 0.3 && modern!.fraction! < 0.8);
});

test("every requirement Lima 2.2 names reads as plain words, never Lima's own name", () => {
  // The descriptions in lima pkg/hostagent/requirements.go (v2.2.0).
  const cases: [string, string, string][] = [
    ["essential", "ssh", "Booting (1 of 3): waiting for SSH"],
    ["essential", "Explicitly start ssh ControlMaster", "Booting (3 of 3): connecting over SSH"],
    ["essential", "sshfs binary to be installed", "Booting (3 of 3): installing sshfs"],
    ["essential", "fuse to allow_other as user", "Booting (3 of 3): setting up file sharing"],
    ["optional", "systemd must be available", "Setting up (1 of 1): waiting for systemd"],
    ["optional", "containerd binaries to be installed", "Setting up (1 of 1): installing containerd"],
    ["final", "boot scripts must have finished", "Finishing (1 of 1): running the boot scripts"],
  ];
  for (const [kind, description, stage] of cases) {
    const [, n] = /\((\d) of/.exec(stage)!;
    const total = kind === "essential" ? 3 : 1;
    const p = progressFromStderr(line(`[hostagent] Waiting for the ${kind} requirement ${n} of ${total}: \`${description}\``));
    assert.equal(p!.stage, stage);
    assert.ok(!p!.stage.includes(description) || description === "ssh", p!.stage);
  }
  // A probe of the user's own template: its description, introduced in words.
  assert.equal(
    progressFromStderr(line("[hostagent] Waiting for the optional requirement 2 of 2: `Docker to be ready`"))!.stage,
    "Setting up (2 of 2): waiting for docker to be ready",
  );
  assert.equal(progressFromStderr(line("[hostagent] The essential requirement 2 of 3 is satisfied"))!.stage, "Booting (2 of 3): done");
});

test("fractions rise through a boot and end at 1", () => {
  const msgs = [
    "Starting the instance `nixos` with internal VM driver `vz`",
    "[hostagent] Starting VZ (hint: to watch the boot progress, see \"/x/serial*.log\")",
    "SSH Local Port: 53127",
    "[hostagent] Waiting for the essential requirement 1 of 3: `ssh`",
    "[hostagent] The essential requirement 1 of 3 is satisfied",
    "[hostagent] Waiting for the essential requirement 3 of 3: `Explicitly start ssh ControlMaster`",
    "[hostagent] The essential requirement 3 of 3 is satisfied",
    "[hostagent] Waiting for the optional requirement 1 of 1: `systemd must be available`",
    "[hostagent] Waiting for the final requirement 1 of 1: `boot scripts must have finished`",
    "[hostagent] The final requirement 1 of 1 is satisfied",
    "READY. Run `limactl shell nixos` to open the shell.",
  ];
  const fractions = msgs.map((m) => progressFromStderr(line(m))?.fraction);
  for (const f of fractions) assert.equal(typeof f, "number");
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, msgs[i]);
  assert.equal(fractions.at(-1), 1);
});

test("SSH port, READY, DEGRADED, image and QEMU stages, without Lima's raw text", () => {
  assert.deepEqual(progressFromStderr(line("SSH Local Port: 41873")), { stage: "Booting: waiting for SSH", fraction: 0.3 });
  assert.deepEqual(progressFromStderr(line("READY. Run `lima` to open the shell.")), { stage: "Running", fraction: 1 });
  const degraded = progressFromStderr(
    line("DEGRADED. The VM seems running, but file sharing and port forwarding may not work. (hint: see \"/x/ha.stderr.log\")", { level: "warning" }),
  );
  assert.equal(degraded!.stage, "Running, but file sharing and port forwarding may not work");
  assert.equal(degraded!.fraction, undefined);
  // Recorded from the real limactl 2.2.0 (create of a dummy instance):
  const dl = progressFromStderr(
    '{"arch":"x86_64","digest":"","level":"info","location":"/etc/profile","msg":"Attempting to download the image","time":"2026-11-22T03:10:17Z"}',
  );
  assert.deepEqual(dl, { stage: "Downloading the image", message: "/etc/profile", fraction: 0.08 });
  assert.deepEqual(progressFromStderr(line("Downloaded the image from `/etc/profile`")), { stage: "Image ready", fraction: 0.1 });
  assert.equal(progressFromStderr(line("Converting `/x/image` (qcow2) to a raw disk `/x/disk`"))!.stage, "Preparing the disk");
  assert.equal(progressFromStderr(line("[hostagent] Starting QEMU (hint: to watch the boot progress, see `/x/serial*.log`)"))!.stage, "Booting");
  assert.deepEqual(progressFromStderr(line("Starting the instance `dummy` with internal VM driver `qemu`")), { stage: "Starting the VM", fraction: 0.05 });
});

test("no stage or message carries a backtick or a file path from Lima", () => {
  const msgs = [
    "[hostagent] Waiting for the essential requirement 1 of 3: `ssh`",
    "[hostagent] Starting QEMU (hint: to watch the boot progress, see `/x/serial*.log`)",
    "Starting the instance `dummy` with internal VM driver `qemu`",
    "Converting `/x/image` (qcow2) to a raw disk `/x/disk`",
    "Downloaded the image from `/etc/profile`",
    "READY. Run `limactl shell nixos` to open the shell.",
    "Sending SIGINT to hostagent process 123",
    "Waiting for the host agent and the driver processes to shut down",
    "Deleted `dummy` (`/x/dummy`)",
  ];
  for (const m of msgs) {
    const p = progressFromStderr(line(m));
    assert.ok(p, m);
    assert.doesNotMatch(`${p.stage} ${p.message ?? ""}`, /`|\/x\//, m);
  }
});

test("lines that announce nothing give no stage", () => {
  assert.equal(progressFromStderr(line("[hostagent] hostagent socket created at /x/ha.sock")), undefined);
  assert.equal(progressFromStderr(""), undefined);
  assert.equal(progressFromStderr(line("Terminal is not available, proceeding without opening an editor")), undefined);
});
