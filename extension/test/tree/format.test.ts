import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, Vm } from "../../../helper/src/protocol";
import { describeVm, errorWords, formatBytes, formatDuration, sharedAliasNote, sshCommand, vmContext, vmState } from "../../src/tree/format";

const vm: Vm = {
  name: "dev",
  status: "Running",
  dir: "/Users/alice/.lima/dev",
  hostname: "lima-dev",
  vmType: "vz",
  arch: "aarch64",
  cpus: 4,
  memoryBytes: 8 * 2 ** 30,
  diskBytes: 100 * 2 ** 30,
  mounts: [],
  portForwards: [],
  protected: false,
  errors: [],
};

test("description reads state, CPUs, memory, arch and type", () => {
  assert.equal(describeVm(vm), "Running · 4 CPU · 8 GiB · aarch64 · vz");
  assert.equal(describeVm({ ...vm, status: "Broken", cpus: undefined, memoryBytes: undefined, arch: undefined, vmType: undefined }), "Broken");
});

test("a running job replaces the status with its stage and makes the VM busy", () => {
  const job: Job = {
    id: "1",
    request: { kind: "start", vm: "dev" },
    state: "running",
    progress: { stage: "Booting (2 of 3): waiting for SSH" },
    startedAt: 0,
    log: [],
  };
  assert.equal(describeVm(vm, job), "Booting (2 of 3): waiting for SSH… · 4 CPU · 8 GiB · aarch64 · vz");
  assert.equal(vmState(vm, job), "busy");
  assert.equal(vmState({ ...vm, status: "Unknown" }), "unknown");
});

test("bytes in binary units", () => {
  assert.equal(formatBytes(4 * 2 ** 30), "4 GiB");
  assert.equal(formatBytes(1.5 * 2 ** 30), "1.5 GiB");
  assert.equal(formatBytes(2 ** 20), "1 MiB");
});

test("ssh command quotes a config path with spaces", () => {
  assert.equal(sshCommand(vm), "ssh -F /Users/alice/.lima/dev/ssh.config lima-dev");
  // nixlima's Include puts every lima-NAME host in the user's ssh config.
  assert.equal(sshCommand(vm, true), "ssh lima-dev");
  assert.equal(sshCommand({ ...vm, sshConfigFile: "/Users/a b/.lima/dev/ssh.config" }), "ssh -F '/Users/a b/.lima/dev/ssh.config' lima-dev");
});

test("a state says for how long, in the unit people use", () => {
  const now = 1_800_000_000_000;
  assert.equal(describeVm({ ...vm, since: now - 2 * 3600_000 - 5 }, undefined, undefined, now), "Running · 2 h · 4 CPU · 8 GiB · aarch64 · vz");
  assert.equal(describeVm({ ...vm, status: "Stopped", since: now - 3 * 86400_000 }, undefined, undefined, now), "Stopped · 3 d · 4 CPU · 8 GiB · aarch64 · vz");
  assert.deepEqual([40_000, 12 * 60_000, 47 * 3600_000, 49 * 3600_000].map(formatDuration), ["40 s", "12 min", "47 h", "2 d"]);
  // While a job runs, its stage is the news, not the old state's age.
  const job = { id: "1", request: { kind: "stop" as const, vm: "dev" }, state: "running" as const, progress: { stage: "Shutting down" }, startedAt: 0, log: [] };
  assert.equal(describeVm({ ...vm, since: now - 60_000 }, job, undefined, now), "Shutting down… · 4 CPU · 8 GiB · aarch64 · vz");
});

test("Lima's error rows read as words; other text only loses its backticks", () => {
  assert.equal(errorWords("open /x/.lima/b/lima.yaml: no such file or directory"), "its configuration file (lima.yaml) is missing");
  assert.equal(errorWords("failed to unmarshal /x/b/lima.yaml: [1:7] bad"), "its configuration file (lima.yaml) cannot be read");
  assert.equal(errorWords("instance `b` is odd"), 'instance "b" is odd');
});

test("a VM whose ssh alias another VM shares says so on its row; one with its own alias does not", () => {
  const all = [{ name: "a.b" }, { name: "a-b" }, { name: "a-c" }];
  assert.equal(
    sharedAliasNote({ name: "a.b", hostname: "lima-a-b" }, all),
    "shares ssh host lima-a-b with a-b: rename one; Open in VS Code may reach the other, Open Terminal reaches this one",
  );
  assert.match(sharedAliasNote({ name: "a-b", hostname: "lima-a-b" }, all) ?? "", /with a\.b:/);
  assert.equal(sharedAliasNote({ name: "a-c", hostname: "lima-a-c" }, all), undefined);
});

test("a running VM's contextValue says whether it is a NixOS guest and nixlima's agent image", () => {
  assert.equal(vmContext(vm), "vm+running");
  assert.equal(vmContext({ ...vm, template: "dev" }), "vm+running+nixos");
  assert.equal(vmContext({ ...vm, template: "agent" }), "vm+running+nixos+agent");
  assert.equal(vmContext({ ...vm, status: "Stopped", template: "agent" }), "vm+stopped");
});

test("a running or stopped VM's contextValue ends with its protection and Start at Login state", () => {
  assert.equal(vmContext({ ...vm, protected: true }), "vm+running+protected");
  assert.equal(vmContext({ ...vm, template: "agent", protected: true, startsAtLogin: true }), "vm+running+nixos+agent+protected+atlogin");
  assert.equal(vmContext({ ...vm, status: "Stopped", startsAtLogin: true }), "vm+stopped+atlogin");
  assert.equal(vmContext({ ...vm, status: "Broken", protected: true }), "vm+broken");
  assert.equal(vmContext({ ...vm, protected: true }, { request: { kind: "stop", vm: "x" }, progress: { stage: "Stopping" } } as Job), "vm+busy");
});
