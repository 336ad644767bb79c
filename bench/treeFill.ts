// Time from opening a window to a nixlima tree that lists 100 VMs, in a real VS Code
// (code-server in Chromium) with the packaged extension and 100 never-booted instances: the first
// window, which also starts the helper, then the same window reloaded (the helper already runs).
// "Filled": a top-level row says its list has 100 entries (the tree renders only visible rows).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { startCodeServer } from "../test/support/codeServer";
import { createDummies } from "../test/support/dummies";
import { limactlPath, repoRoot, tempLimaHome } from "../test/support/lima";
import { openViewContainer, waitForWorkbench } from "../test/support/workbench";
import { report, timeMs } from "./stats";

async function waitForFilledTree(page: Page, instances: number): Promise<void> {
  const view = await openViewContainer(page, "nixlima", "nixlima");
  await view.locator(`.monaco-list-row[role="treeitem"][aria-level="1"][aria-setsize="${instances}"]`).first().waitFor({ timeout: 120_000 });
}

export async function benchTreeFill(instances = 100): Promise<void> {
  const vsix = join(repoRoot, "dist/nixlima.vsix");
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);
  const lima = tempLimaHome();
  try {
    createDummies(lima.dir, instances);
    const started = performance.now();
    const server = await startCodeServer({ vsix, env: { LIMA_HOME: lima.dir }, settings: { "nixlima.limactlPath": limactlPath } });
    try {
      const openedMs = server.timings.workbenchMs;
      const afterOpen = await timeMs(() => waitForFilledTree(server.page, instances));
      const reloaded = await timeMs(async () => {
        await server.page.reload();
        await waitForWorkbench(server.page, 60_000);
        await waitForFilledTree(server.page, instances);
      });
      report(`window open to a filled tree with ${instances} VMs (code-server)`, {
        "first window: page open to workbench (ms)": openedMs,
        "first window: page open to filled tree, helper started (ms)": openedMs + afterOpen,
        "reloaded window: reload to filled tree, helper running (ms)": reloaded,
        "code-server start to filled tree (s)": (performance.now() - started - reloaded) / 1000,
      });
    } finally {
      await server.close();
    }
  } finally {
    lima.dispose();
  }
}
