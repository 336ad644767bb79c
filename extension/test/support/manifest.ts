// package.json as the menu tests read it, and which row commands a contextValue gets.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../test/support/lima";

export const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));

const rowItems = pkg.contributes.menus["view/item/context"] as { command: string; when: string }[];

/**
 * The row commands shown for `viewItem`, evaluating the two `when` forms the menus use:
 * `viewItem == X` and `viewItem =~ /re/` (any other form fails the test that meets it).
 */
export function shownFor(viewItem: string): string[] {
  return rowItems.filter(({ when }) => whenMatches(when, viewItem)).map((i) => i.command);
}

function whenMatches(when: string, viewItem: string): boolean {
  const eq = /^viewItem == (\S+)$/.exec(when);
  if (eq) return eq[1] === viewItem;
  const re = /^viewItem =~ \/(.+)\/$/.exec(when);
  if (re) return new RegExp(re[1]!).test(viewItem);
  throw new Error(`unexpected when clause: ${when}`);
}
