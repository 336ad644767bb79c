// Extension activation time measured inside a real VS Code (code-server), as the extension
// itself logs it, over a few fresh starts; and the production bundle it loads.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readActivationMs, startCodeServer } from "../test/support/codeServer";
import { openViewContainer } from "../test/support/workbench";
import { limactlPath, repoRoot, tempLimaHome } from "../test/support/lima";
import { median, report } from "./stats";

export async function benchActivation(runs = 3): Promise<void> {
  const vsix = join(repoRoot, "dist/nixlima.vsix");
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lima = tempLimaHome();
    const server = await startCodeServer({ vsix, env: { LIMA_HOME: lima.dir }, settings: { "nixlima.limactlPath": limactlPath } });
    try {
      await openViewContainer(server.page, "nixlima", "nixlima");
      times.push(await readActivationMs(server));
    } finally {
      await server.close();
      lima.dispose();
    }
  }
  report("activation in code-server", {
    [`activation (ms, median of ${runs}; goal < 30)`]: median(times),
    "activation (ms, slowest)": Math.max(...times),
  });
}
