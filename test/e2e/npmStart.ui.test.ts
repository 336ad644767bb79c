// `npm start` where there is no desktop VS Code: scripts/launch.mjs itself (not a copy of what it
// does) starts code-server on the repository folder with a fresh profile; a person opening the
// printed address gets the folder in Restricted Mode (not trusted yet) and still finds the nixlima view with the
// machine's VMs. Needs scripts/setup.sh and `npm run package` (dist/nixlima.vsix: the script is
// told to install it rather than package as the test user, who cannot write dist/).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import type { Browser, Page } from "playwright-core";
import { openWorkbench, screenshot, testVsix as vsix } from "../support/codeServer";
import { limactlPath, tempLimaHome } from "../support/lima";
import { runNpmStart, type NpmStart } from "../support/npmStart";
import { openViewContainer, waitForTreeRow } from "../support/workbench";

const fixture = '{images: [{location: "/etc/profile"}], disk: "1M", containerd: {system: false, user: false}}';

describe("npm start without a desktop VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let start: NpmStart | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    await execa(limactlPath, ["create", "--tty=false", "--name", "startvm", "-"], { input: fixture, env: { LIMA_HOME: lima.dir }, timeout: 60_000 });
    start = await runNpmStart({ vsix, limaHome: lima.dir });
    ({ browser, page } = await openWorkbench(start.url));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    start?.dispose();
    lima?.dispose();
  });

  test("the console says where, how to stop, and where the log is; the chatter is in that log", () => {
    const printed = start!.printed();
    const logFile = join(start!.dataDir, "npm-start.log");
    assert.match(printed, /Ctrl-C/);
    assert.ok(printed.includes(logFile), `the log file is named:\n${printed}`);
    assert.doesNotMatch(printed, /HTTP server listening|Installing extensions|successfully installed|\[\d{4}-\d\d-\d\d/, "no code-server chatter in the console");
    const log = readFileSync(logFile, "utf8");
    assert.match(log, /HTTP server listening on/);
    assert.match(log, /successfully installed/i);
  });

  test("the folder opens untrusted and the nixlima view lists the machine's VMs", async () => {
    try {
      // code-server opens a folder of a fresh profile untrusted, with a banner saying so.
      await page.locator(".statusbar").getByText("Restricted Mode").waitFor({ timeout: 30_000 });
      const pane = await openViewContainer(page, "nixlima", "nixlima");
      await waitForTreeRow(pane, "startvm");
    } catch (err) {
      await screenshot(page, "npm-start/failed");
      throw err;
    }
    console.log(`screenshot: ${await screenshot(page, "npm-start/nixlima-view")}`);
  });

  test("Ctrl-C stops code-server and the script", async () => {
    const { url } = start!;
    assert.equal(await start!.interrupt(), 0, start!.printed());
    assert.match(start!.printed(), /code-server stopped/);
    await assert.rejects(fetch(url), "nothing listens on the address any more");
  });
});
