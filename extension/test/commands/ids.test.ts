// The command list, package.json's contributions and the menus must name the same commands.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { commandIds } from "../../src/commands/ids";
import { repoRoot } from "../../../test/support/lima";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));

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
  const rowItems = pkg.contributes.menus["view/item/context"] as { command: string; when: string }[];
  const shownFor = (state: string) =>
    rowItems.filter((i) => whenMatches(i.when, state)).map((i) => i.command);
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

/** Evaluates the two `when` forms the menus use: `viewItem == X` and `viewItem =~ /re/`. */
function whenMatches(when: string, viewItem: string): boolean {
  const eq = /^viewItem == (\S+)$/.exec(when);
  if (eq) return eq[1] === viewItem;
  const re = /^viewItem =~ \/(.+)\/$/.exec(when);
  if (re) return new RegExp(re[1]!).test(viewItem);
  throw new Error(`unexpected when clause: ${when}`);
}
