import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, Vm } from "../../../helper/src/protocol";
import { describeVm, formatBytes, isWritableHome, sharedAliasNote, sshCommand, vmState } from "../../src/tree/format";

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
    progress: { stage: "Waiting for ssh" },
    startedAt: 0,
    log: [],
  };
  assert.equal(describeVm(vm, job), "Waiting for ssh… · 4 CPU · 8 GiB · aarch64 · vz");
  assert.equal(vmState(vm, job), "busy");
  assert.equal(vmState({ ...vm, status: "Unknown" }), "unknown");
});

test("bytes in binary units", () => {
  assert.equal(formatBytes(4 * 2 ** 30), "4 GiB");
  assert.equal(formatBytes(1.5 * 2 ** 30), "1.5 GiB");
  assert.equal(formatBytes(2 ** 20), "1 MiB");
});

test("a writable mount of the home folder or above it is flagged; read-only or narrower is not", () => {
  const home = "/Users/alice";
  assert.equal(isWritableHome({ location: "~", writable: true }, home), true);
  assert.equal(isWritableHome({ location: "/Users/alice/", writable: true }, home), true);
  assert.equal(isWritableHome({ location: "/", writable: true }, home), true);
  assert.equal(isWritableHome({ location: "/Users", writable: true }, home), true);
  assert.equal(isWritableHome({ location: "~", writable: false }, home), false);
  assert.equal(isWritableHome({ location: "~/src/app", writable: true }, home), false);
  assert.equal(isWritableHome({ location: "/Users/alice2", writable: true }, home), false);
});

test("ssh command quotes a config path with spaces", () => {
  assert.equal(sshCommand(vm), "ssh -F /Users/alice/.lima/dev/ssh.config lima-dev");
  assert.equal(sshCommand({ ...vm, sshConfigFile: "/Users/a b/.lima/dev/ssh.config" }), "ssh -F '/Users/a b/.lima/dev/ssh.config' lima-dev");
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
