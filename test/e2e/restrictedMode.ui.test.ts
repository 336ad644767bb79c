// nixlima in Restricted Mode and in a browser VS Code: a fresh profile opens a folder it has not
// trusted (as after "Don't Trust"), and the explorer works there; Open on a VM, which in a browser
// cannot reach Remote-SSH, offers a terminal instead of an extension that cannot run.
// Real code-server, real limactl with a never-booted fixture VM. Needs scripts/setup.sh and
// `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, tempLimaHome } from "../support/lima";
import { clickContextMenuItem, contextMenuItems, notificationMessages, openViewContainer, waitForNotification, waitForTreeRow } from "../support/workbench";

const fixture = '{images: [{location: "/etc/profile"}], disk: "1M", containerd: {system: false, user: false}}';

describe("nixlima in an untrusted folder of a browser VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let scratch: string;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "restricted", step, body);

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    await execa(limactlPath, ["create", "--tty=false", "--name", "untrustedvm", "-"], { input: fixture, env: { LIMA_HOME: lima.dir }, timeout: 60_000 });
    scratch = mkdtempSync("/tmp/nrm-");
    const workspace = join(scratch, "project");
    const home = join(scratch, "home");
    for (const dir of [workspace, home]) mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(workspace, "PROMPT.md"), "Say hello.\n");
    server = await startCodeServer({
      vsix,
      workspace,
      untrusted: true,
      env: { LIMA_HOME: lima.dir, HOME: home },
      machineSettings: { "nixlima.limactlPath": limactlPath },
    });
  });

  after(async () => {
    await server?.close();
    lima?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("the folder is in Restricted Mode and the explorer lists the VM with its actions", async () => {
    const { page } = server!;
    await page.locator(".statusbar").getByText("Restricted Mode").waitFor({ timeout: 30_000 });
    const pane = await openViewContainer(page, "nixlima", "nixlima");
    const row = await explain("vm row", () => waitForTreeRow(pane, "untrustedvm"));
    const items = await contextMenuItems(page, row);
    assert.ok(items.includes("Start") && items.includes("Delete…"), `menu: ${items.join(", ")}`);
    await server!.screenshot("restricted-mode-explorer");
  });

  test("Open in New Window offers a terminal in a browser VS Code, not Remote-SSH", async () => {
    const { page } = server!;
    const pane = await openViewContainer(page, "nixlima", "nixlima");
    const row = await waitForTreeRow(pane, "untrustedvm");
    await clickContextMenuItem(page, row, "Open in New Window");
    const toast = await explain("terminal offer", () => waitForNotification(page, /VS Code in a browser cannot open "untrustedvm"/));
    assert.ok(await toast.locator(".monaco-button").getByText("Start and Open Terminal", { exact: true }).isVisible());
    const messages = await notificationMessages(page);
    assert.ok(!messages.some((m) => /Remote-SSH extension, and none is installed/.test(m)), messages.join("\n"));
    await server!.screenshot("restricted-mode-open-in-browser");
  });
});
