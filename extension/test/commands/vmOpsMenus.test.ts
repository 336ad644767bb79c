// The dev-VM operations in package.json: each row offers only what Lima can do in its state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { commandIds } from "../../src/commands/ids";
import { pkg, shownFor } from "../support/manifest";

const copies = ["nixlima.cloneVm", "nixlima.forkVm", "nixlima.renameVm", "nixlima.resizeVm"];
const anyState = ["nixlima.createSnapshot", "nixlima.applySnapshot", "nixlima.deleteSnapshot", "nixlima.protectVm", "nixlima.unprotectVm", "nixlima.toggleStartAtLogin"];

test("clone, fork, rename and resize are offered on stopped VMs only: Lima copies and edits only those", () => {
  for (const id of copies) {
    assert.ok(shownFor("vm+stopped").includes(id), id);
    for (const row of ["vm+running", "vm+busy", "vm+broken", "vm+unknown", "image", "fleet"]) assert.ok(!shownFor(row).includes(id), `${id} on ${row}`);
  }
});

test("snapshots, protection and Start at Login are offered on running and stopped VMs, never on a busy one", () => {
  for (const id of anyState) {
    for (const row of ["vm+running", "vm+stopped"]) assert.ok(shownFor(row).includes(id), `${id} on ${row}`);
    for (const row of ["vm+busy", "vm+broken", "image", "task"]) assert.ok(!shownFor(row).includes(id), `${id} on ${row}`);
  }
});

test("every dev-VM command is registered and has a palette title", () => {
  for (const id of [...copies, ...anyState]) {
    assert.ok((commandIds as readonly string[]).includes(id), id);
    const c = pkg.contributes.commands.find((x: { command: string }) => x.command === id);
    assert.ok(c?.title && c.category === "nixlima", id);
  }
});
