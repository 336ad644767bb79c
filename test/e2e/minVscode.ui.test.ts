// The oldest VS Code package.json's engines.vscode admits, for real: code-server 4.96.4 (VS Code
// 1.96, installed by scripts/setup/40-code-server.sh into .cache/code-server-min) runs the
// packaged extension: it activates, the tree lists a VM (the Debian test guest, created by limactl
// but not booted) with its menu, Start boots it to Running and Stop stops it (one TCG boot), and
// Open in New Window offers a terminal in the VM, as a browser VS Code should. The whole lifecycle
// from Create VM… is covered on the current VS Code by uiLifecycle.test.ts.
// Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import { readActivationMs, startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, repoRoot, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limactl, secondsSince } from "../support/testVmRun";
import { clickContextMenuItem, contextMenuItems, openViewContainer, rowIcon, waitForNotification, waitForRowDescription, waitForTreeRow } from "../support/workbench";

const NAME = "minvm";
/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 8 * 60_000;
const minVscode = join(repoRoot, ".cache/code-server-min/node_modules/code-server/lib/vscode/package.json");

describe("the oldest supported VS Code (engines.vscode) runs nixlima", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let home: string;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "min-vscode", step, body, instanceLogTail(lima.dir, NAME, 20));

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    await limactl(lima.dir, ["create", "--name", NAME, "-"], { input: stringify(testVmConfig({})) });
    home = mkdtempSync("/tmp/nmh-");
    server = await startCodeServer({ install: "min", vsix, env: { LIMA_HOME: lima.dir, HOME: home, ...qemuEnv }, machineSettings: { "nixlima.limactlPath": limactlPath } });
  });

  after(async () => {
    await server?.close();
    if (lima) await destroyInstance(lima.dir, NAME);
    lima?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("it is the VS Code that engines.vscode names", () => {
    const engines = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { engines: { vscode: string } }).engines.vscode;
    const { version } = JSON.parse(readFileSync(minVscode, "utf8")) as { version: string };
    const [major, minor] = engines.replace(/^\^/, "").split(".");
    assert.ok(version.startsWith(`${major}.${minor}.`), `engines.vscode ${engines}, code-server's VS Code ${version}`);
  });

  test("the extension activates and the tree lists the VM with its menu", async () => {
    const pane = await openViewContainer(server!.page, "nixlima", "nixlima");
    const ms = await explain("activation", () => readActivationMs(server!));
    console.log(`nixlima activated in ${ms} ms in the oldest supported VS Code`);
    const row = await explain("vm row", () => waitForTreeRow(pane, NAME));
    await waitForRowDescription(row, /^Stopped/);
    const items = await contextMenuItems(server!.page, row);
    assert.ok(items.includes("Start") && items.includes("Open in New Window"), `menu: ${items.join(", ")}`);
  });

  test("Start boots the VM to Running and Stop stops it", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await openViewContainer(page, "nixlima", "nixlima"), NAME);
    const started = performance.now();
    await clickContextMenuItem(page, row, "Start");
    await explain("running", () => waitForRowDescription(row, /^Running · /, BOOT_TIMEOUT_MS));
    console.log(`Start to Running in VS Code 1.96: ${secondsSince(started)} s`);
    assert.equal(await rowIcon(row), "codicon-vm-running");
    await clickContextMenuItem(page, row, "Stop");
    await explain("stopped", () => waitForRowDescription(row, /^Stopped · /, 3 * 60_000));
    assert.equal(await rowIcon(row), "codicon-vm-outline");
  });

  test("a command runs: Open in New Window offers a terminal in the VM", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await openViewContainer(page, "nixlima", "nixlima"), NAME);
    await clickContextMenuItem(page, row, "Open in New Window");
    await explain("terminal offer", () => waitForNotification(page, new RegExp(`VS Code in a browser cannot open "${NAME}"`)));
    await server!.screenshot("min-vscode");
  });
});
