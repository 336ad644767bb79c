// The command list, package.json's contributions and the menus must name the same commands.
import assert from "node:assert/strict";
import { test } from "node:test";
import { commandIds } from "../../src/commands/ids";
import { pkg, shownFor } from "../support/manifest";

test("every registered command is contributed, and every contributed command is registered", () => {
  const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, [...commandIds].sort());
});

test("menus only name commands that exist", () => {
  const known = new Set<string>(commandIds);
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
    for (const item of items) assert.ok(known.has(item.command), `${menu} names unknown command ${item.command}`);
  }
});

test("row actions match the states that the tree encodes in contextValue", () => {
  const states = ["vm+running", "vm+stopped", "vm+broken", "vm+unknown", "vm+busy"];
  assert.ok(shownFor("vm+stopped").includes("nixlima.start"));
  assert.ok(!shownFor("vm+running").includes("nixlima.start"));
  assert.ok(shownFor("vm+running").includes("nixlima.stop"));
  assert.ok(shownFor("vm+broken").includes("nixlima.stop"));
  assert.ok(!shownFor("vm+busy").includes("nixlima.delete"), "a busy VM must not offer Delete");
  for (const s of states) assert.ok(shownFor(s).includes("nixlima.showLogs"), `${s} offers Show Logs`);
});

test("welcome views cover a missing limactl and an empty machine", () => {
  const whens = pkg.contributes.viewsWelcome.map((w: { when: string }) => w.when);
  assert.ok(whens.includes("nixlima.state == limactlMissing"));
  assert.ok(whens.includes("nixlima.state == noVms"));
});

