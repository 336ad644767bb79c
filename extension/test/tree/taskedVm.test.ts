// A running VM whose agent task holds it: the helper refuses every other job on it until the task
// ends (shared/jobHolds), so its row says so in its contextValue and the menu offers only what
// reaches the VM without a job, plus the task's own output and Stop.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, Vm } from "../../../helper/src/protocol";
import { vmContext } from "../../src/tree/format";
import { shownFor } from "../support/manifest";

const vm: Vm = { name: "box", status: "Running", dir: "/l/box", hostname: "lima-box", mounts: [], portForwards: [], protected: true, errors: [], template: "agent" };
const task = { id: "t1", state: "running", request: { kind: "dispatch", vm: "box" }, log: [] } as unknown as Job;

test("a running VM with a running task is vm+tasked, whatever else it is", () => {
  assert.equal(vmContext(vm, undefined, task), "vm+tasked");
  assert.equal(vmContext(vm), "vm+running+nixos+agent+protected");
  assert.equal(vmContext({ ...vm, status: "Stopped" }, undefined, task), "vm+stopped+protected", "a task on a stopped VM is over");
});

test("a tasked VM's menu keeps Open, Terminal, ssh and logs, offers the task's output and Stop, and no job the helper would refuse", () => {
  const offered = new Set(shownFor("vm+tasked"));
  for (const id of ["nixlima.openInNewWindow", "nixlima.openInCurrentWindow", "nixlima.openTerminal", "nixlima.copySshCommand", "nixlima.showLogs", "nixlima.showTaskOutput", "nixlima.stopTask"]) {
    assert.ok(offered.has(id), id);
  }
  const jobs = ["nixlima.stop", "nixlima.restart", "nixlima.delete", "nixlima.rebuildVm", "nixlima.dispatchTask", "nixlima.copyClaudeToken", "nixlima.createSnapshot", "nixlima.applySnapshot", "nixlima.protectVm", "nixlima.unprotectVm", "nixlima.startAtLoginOn", "nixlima.setDevVm"];
  for (const id of jobs) assert.ok(!offered.has(id), id);
  for (const id of jobs.slice(0, 5)) assert.ok(shownFor("vm+running+nixos+agent").includes(id), `${id} is offered when no task runs`);
});
