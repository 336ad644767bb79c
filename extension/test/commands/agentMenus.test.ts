// The agent-sandbox rows in package.json: each offers what fits it, and only that.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pkg, shownFor } from "../support/manifest";

test("Dispatch Task and Copy Claude Token are offered on running VMs of nixlima's agent image only", () => {
  for (const id of ["nixlima.dispatchTask", "nixlima.copyClaudeToken"]) {
    assert.ok(shownFor("vm+running+nixos+agent").includes(id), id);
    for (const row of ["vm+running", "vm+running+nixos", "vm+stopped", "vm+busy", "vm+broken", "fleet", "task"]) {
      assert.ok(!shownFor(row).includes(id), `${id} on ${row}`);
    }
  }
});

test("Rebuild VM… is offered on running NixOS guests only; the rest of a running VM's menu on every one", () => {
  assert.ok(shownFor("vm+running+nixos").includes("nixlima.rebuildVm"));
  assert.ok(shownFor("vm+running+nixos+agent").includes("nixlima.rebuildVm"));
  assert.ok(!shownFor("vm+running").includes("nixlima.rebuildVm"), "not on a guest nixlima did not make");
  for (const row of ["vm+running", "vm+running+nixos", "vm+running+nixos+agent"]) {
    for (const id of ["nixlima.stop", "nixlima.restart", "nixlima.openTerminal", "nixlima.copySshCommand", "nixlima.delete", "nixlima.openInNewWindow"]) {
      assert.ok(shownFor(row).includes(id), `${id} on ${row}`);
    }
  }
});

test("a task row offers Show Output and Stop; a fleet row its fleet-wide actions, none while its job runs", () => {
  assert.deepEqual([...new Set(shownFor("task"))].sort(), ["nixlima.showTaskOutput", "nixlima.stopTask"]);
  assert.deepEqual([...new Set(shownFor("fleet"))].sort(), ["nixlima.deleteFleet", "nixlima.dispatchToFleet", "nixlima.stopFleet"]);
  assert.deepEqual(shownFor("fleet+busy"), []);
});

test("Harden is offered on a stopped, flagged Sandbox row only", () => {
  assert.ok(shownFor("sandbox+flagged+stopped").includes("nixlima.hardenVm"));
  for (const row of ["sandbox", "sandbox+flagged", "sandbox+pending", "vm+stopped"]) assert.ok(!shownFor(row).includes("nixlima.hardenVm"), row);
});

test("Create Fleet and Set Agent Credentials are in the explorer's title menu", () => {
  const title = pkg.contributes.menus["view/title"] as { command: string; when: string }[];
  for (const id of ["nixlima.createFleet", "nixlima.setAgentCredentials"]) assert.ok(title.some((i) => i.command === id && i.when === "view == nixlima.vms"), id);
});

test("a finished task with a branch offers Review (inline too), Merge, Discard and its output; never Stop", () => {
  assert.deepEqual([...new Set(shownFor("task+branch"))].sort(), ["nixlima.discardTask", "nixlima.mergeTask", "nixlima.reviewTask", "nixlima.showTaskOutput"]);
  const items = pkg.contributes.menus["view/item/context"] as { command: string; when: string; group: string }[];
  assert.ok(items.some((i) => i.command === "nixlima.reviewTask" && i.when === "viewItem == task+branch" && i.group.startsWith("inline")));
  for (const row of ["task", "vm+running", "fleet", "sandbox"]) {
    for (const id of ["nixlima.reviewTask", "nixlima.mergeTask", "nixlima.discardTask"]) assert.ok(!shownFor(row).includes(id), `${id} on ${row}`);
  }
});
