// The dev-VM operations in package.json: each row offers only what Lima can do in its state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { commandIds } from "../../src/commands/ids";
import { pkg, shownFor } from "../support/manifest";

const copies = ["nixlima.cloneVm", "nixlima.forkVm", "nixlima.renameVm", "nixlima.resizeVm"];
const snapshots = ["nixlima.createSnapshot", "nixlima.applySnapshot", "nixlima.deleteSnapshot"];
const switches = ["nixlima.protectVm", "nixlima.unprotectVm", "nixlima.startAtLoginOn", "nixlima.startAtLoginOff"];
const anyState = [...snapshots, ...switches];
const shown = (row: string) => new Set(shownFor(row));

test("clone, fork, rename and resize are offered on stopped VMs only: Lima copies and edits only those", () => {
  for (const id of copies) {
    for (const row of ["vm+stopped", "vm+stopped+protected+atlogin"]) assert.ok(shown(row).has(id), `${id} on ${row}`);
    for (const row of ["vm+running", "vm+running+nixos", "vm+busy", "vm+broken", "vm+unknown", "image", "fleet"]) assert.ok(!shown(row).has(id), `${id} on ${row}`);
  }
});

test("snapshots are offered on running and stopped VMs, also NixOS ones, never on a busy one", () => {
  for (const id of snapshots) {
    for (const row of ["vm+running", "vm+stopped", "vm+running+nixos+agent+protected", "vm+stopped+atlogin"]) assert.ok(shown(row).has(id), `${id} on ${row}`);
    for (const row of ["vm+busy", "vm+broken", "image", "task"]) assert.ok(!shown(row).has(id), `${id} on ${row}`);
  }
});

test("the menu offers only the Protect/Unprotect and Start at Login on/off that change something", () => {
  const offered = (row: string) => switches.filter((id) => shown(row).has(id));
  assert.deepEqual(offered("vm+stopped"), ["nixlima.protectVm", "nixlima.startAtLoginOn"]);
  assert.deepEqual(offered("vm+running+nixos"), ["nixlima.protectVm", "nixlima.startAtLoginOn"]);
  assert.deepEqual(offered("vm+stopped+protected"), ["nixlima.unprotectVm", "nixlima.startAtLoginOn"]);
  assert.deepEqual(offered("vm+running+atlogin"), ["nixlima.protectVm", "nixlima.startAtLoginOff"]);
  assert.deepEqual(offered("vm+running+nixos+agent+protected+atlogin"), ["nixlima.unprotectVm", "nixlima.startAtLoginOff"]);
  for (const row of ["vm+busy", "vm+broken", "image", "task"]) assert.deepEqual(offered(row), [], row);
});

test("the protection and Start at Login marks take nothing else away from a row's menu", () => {
  assert.ok(shown("vm+stopped+protected+atlogin").has("nixlima.start"));
  assert.ok(shown("vm+stopped+protected+atlogin").has("nixlima.delete"), "Delete… then explains how to unprotect");
  assert.ok(shown("vm+running+nixos+agent+protected").has("nixlima.dispatchTask"));
  assert.ok(shown("vm+running+nixos+atlogin").has("nixlima.rebuildVm"));
  assert.ok(!shown("vm+running+protected").has("nixlima.start"));
});

test("every dev-VM command is registered and has a palette title", () => {
  for (const id of [...copies, ...anyState]) {
    assert.ok((commandIds as readonly string[]).includes(id), id);
    const c = pkg.contributes.commands.find((x: { command: string }) => x.command === id);
    assert.ok(c?.title && c.category === "nixlima", id);
  }
});
