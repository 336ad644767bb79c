// A newcomer's first hour, walked in a real VS Code: `npm start`'s own script (scripts/launch.mjs)
// starts code-server with a fresh profile on the repository folder, which opens untrusted. The
// person finds the nixlima view (no VMs yet), the walkthrough and Doctor, creates a VM with the
// Create VM… wizard (nixlima's minimal template with its image swapped for the Debian test guest,
// booted by the real limactl under TCG), opens it (in a browser VS Code: a terminal in the VM,
// where a typed command lands in the guest), stops it and deletes it. Every step is saved as
// test-results/first-hour/NN-step.png for a person to look through; explorer.png there is the
// README's media/explorer.png (copied there when the walk changes what the view shows).
// One VM, one boot. Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { stringify } from "yaml";
import { openWorkbench, outputChannelText, resultsDir, screenshot, testVsix as vsix } from "../support/codeServer";
import { repoRoot, tempLimaHome } from "../support/lima";
import { runNpmStart, type NpmStart } from "../support/npmStart";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, guestShell, instanceLogTail, secondsSince } from "../support/testVmRun";
import {
  answerDialog,
  clickContextMenuItem,
  clickNotificationButton,
  dismissHovers,
  openViewContainer,
  pickQuickPickItem,
  quickInput,
  saveSideBarScreenshot,
  runCommand,
  treeRow,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const NAME = "firstvm";
const FOLDER = "first-hour";
/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 8 * 60_000;

describe("a newcomer's first hour with npm start", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let scratch: string;
  let start: NpmStart | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let step = 0;

  /** test-results/first-hour/NN-name.png of the whole window. */
  const shot = (name: string) => screenshot(page, `${FOLDER}/${String(++step).padStart(2, "0")}-${name}`);

  /** Runs one step; on failure saves what the window showed and adds nixlima's log and the VM's. */
  async function explain<T>(what: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      await screenshot(page, `${FOLDER}/failed-${what.replace(/\W+/g, "-")}`).catch(() => undefined);
      const log = start ? outputChannelText({ userDataDir: start.dataDir }, "nixlima") : "";
      throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}\n--- nixlima log ---\n${log}\n${instanceLogTail(lima.dir, NAME, 20)}`, {
        cause: err,
      });
    }
  }

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    rmSync(join(resultsDir, FOLDER), { recursive: true, force: true });
    lima = tempLimaHome();
    scratch = mkdtempSync("/tmp/nfh-");
    // nixlima's own minimal template, with its image swapped for the test guest.
    const templates = join(scratch, "templates");
    mkdirSync(templates, { mode: 0o700 });
    writeFileSync(join(templates, "minimal.yaml"), stringify(testVmConfig(readFileSync(join(repoRoot, "templates/minimal.yaml"), "utf8"))));
    start = await runNpmStart({
      vsix,
      limaHome: lima.dir,
      env: { NIXLIMA_TEMPLATES: templates },
      // The terminal's text in the page (not only on a canvas), so the test can read the prompt.
      settings: { "terminal.integrated.gpuAcceleration": "off" },
    });
    ({ browser, page } = await openWorkbench(start.url));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    start?.dispose();
    if (lima) await destroyInstance(lima.dir, NAME);
    lima?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("each step works and is saved as a screenshot", async () => {
    // code-server opens a folder of a fresh profile untrusted, with a banner saying so.
    await explain("restricted mode", () => page.locator(".statusbar").getByText("Restricted Mode").waitFor({ timeout: 30_000 }));
    await shot("restricted-mode");

    const view = await explain("nixlima view", () => openViewContainer(page, "nixlima", "nixlima"));
    await explain("empty view", () => view.getByText("No Lima virtual machines yet.").waitFor({ timeout: 30_000 }));
    await shot("nixlima-view-empty");

    await runCommand(page, "Welcome: Open Walkthrough...");
    await pickQuickPickItem(page, "Your first nixlima VM");
    await explain("walkthrough", () => page.locator(".gettingStartedContainer").getByText("Install Lima", { exact: true }).first().waitFor({ timeout: 30_000 }));
    await shot("walkthrough");

    await runCommand(page, "nixlima: Run Doctor");
    const doctor = page.frameLocator("iframe.webview").first().frameLocator("#active-frame");
    const summary = await explain("doctor", async () => {
      const line = doctor.getByText(/checks pass/).first();
      await line.waitFor({ timeout: 60_000 });
      return (await line.textContent()) ?? "";
    });
    await shot("doctor");
    // limactl, QEMU and ssh are here, so nothing a VM needs is missing (Nix, KVM, Remote-SSH are advice).
    assert.doesNotMatch(summary, /must be fixed/, `Doctor: ${summary}`);
    // A report, not a document: it closes without asking to save (and stops covering the editor).
    await runCommand(page, "workbench.action.closeActiveEditor");
    await explain("doctor closed", () => page.locator(".tab").filter({ hasText: "nixlima Doctor" }).waitFor({ state: "detached", timeout: 30_000 }));

    await createVm(view);
    await openTerminal(view);
    await stopAndDelete(view);

    console.log(`first hour: ${step} screenshots in ${join(resultsDir, FOLDER)}`);
    assert.equal(await start!.interrupt(), 0, start!.printed());
  });

  /** Create VM… from the view's welcome button: template, name, resources; then Running. */
  async function createVm(view: Locator): Promise<void> {
    await view.getByRole("button", { name: "Create VM", exact: true }).click();
    await explain("template step", () => quickInput(page).getByText("minimal", { exact: true }).waitFor({ timeout: 30_000 }));
    await shot("create-template");
    await pickQuickPickItem(page, "minimal");
    await explain("name step", () => quickInput(page).locator(".quick-input-message").filter({ hasText: /^VM name/ }).waitFor({ timeout: 30_000 }));
    await typeInQuickInput(page, NAME);
    await shot("create-name");
    await page.keyboard.press("Enter");
    await explain("resources step", () => quickInput(page).getByText("Template default", { exact: true }).waitFor({ timeout: 30_000 }));
    await shot("create-resources");
    await pickQuickPickItem(page, "Template default");
    await explain("wizard closed", () => waitForQuickInputClosed(page));
    const started = performance.now();

    const row = await explain("new row", () => waitForTreeRow(view, NAME));
    await explain("create notification", () => waitForNotification(page, /Creating firstvm/));
    await shot("creating");
    await explain("running", () => waitForRowDescription(row, /^Running · /, BOOT_TIMEOUT_MS));
    console.log(`Create VM… to Running: ${secondsSince(started)} s`);
    const done = await explain("running notification", () => waitForNotification(page, `${NAME} is running.`));
    await row.locator(".monaco-tl-twistie").click();
    await explain("ssh row", () => waitForTreeRow(view, "SSH"));
    await shot("running");
    await done.hover();
    await done.locator(".codicon-notifications-clear").click();
    // first-hour/explorer.png is the README's media/explorer.png.
    await saveSideBarScreenshot(page, view, join(resultsDir, FOLDER, "explorer.png"));
  }

  /** Open in New Window: a browser VS Code offers a terminal, whose keys reach the guest. */
  async function openTerminal(view: Locator): Promise<void> {
    await clickContextMenuItem(page, treeRow(view, NAME), "Open in New Window");
    const offer = await explain("terminal offer", () => waitForNotification(page, /VS Code in a browser cannot open "firstvm"/));
    await shot("open-offers-terminal");
    await clickNotificationButton(offer, "Open Terminal");
    // VS Code itself asks before it starts any terminal process in Restricted Mode; a newcomer
    // who wants the terminal trusts the folder here.
    await explain("terminal trust", () => page.locator(".monaco-dialog-box").filter({ hasText: "Creating a terminal process requires executing code" }).waitFor({ timeout: 30_000 }));
    await shot("terminal-asks-trust");
    await answerDialog(page, "Creating a terminal process requires executing code", "Trust Folder & Continue");
    // The guest's shell prompt (user@lima-firstvm:~$): ssh reached the VM.
    const terminal = page.locator(".part.panel .xterm-rows");
    await explain("guest prompt", () => terminal.filter({ hasText: new RegExp(`lima-${NAME}.*[$#]`) }).first().waitFor({ timeout: 60_000 }));
    // The terminal's widget layer takes pointer events: focus its input instead of clicking.
    await page.locator(".part.panel .xterm-helper-textarea").first().focus();
    await page.keyboard.type("echo first-hour-$((6*7)) > first-hour.txt && hostname\n");
    // hostname's answer on a row of its own.
    const answer = terminal.first().locator(":scope > div").filter({ hasText: new RegExp(`^\\s*lima-${NAME}\\s*$`) });
    await explain("command ran", () => answer.first().waitFor({ timeout: 30_000 }));
    await shot("terminal");
    assert.equal((await guestShell(lima.dir, NAME, "cat ~/first-hour.txt")).trim(), "first-hour-42", "what was typed ran in the VM");
  }

  async function stopAndDelete(view: Locator): Promise<void> {
    const row = treeRow(view, NAME);
    await clickContextMenuItem(page, row, "Stop");
    await explain("stopped", () => waitForRowDescription(row, /^Stopped · /, 3 * 60_000));
    await dismissHovers(page);
    await shot("stopped");

    await clickContextMenuItem(page, row, "Delete…");
    const dialog = page.locator(".monaco-dialog-box").filter({ hasText: `Delete VM "${NAME}"?` });
    await explain("delete dialog", () => dialog.waitFor({ timeout: 30_000 }));
    await shot("delete-confirm");
    await answerDialog(page, `Delete VM "${NAME}"?`, "Delete");
    await explain("row gone", () => row.waitFor({ state: "detached", timeout: 2 * 60_000 }));
    assert.equal(existsSync(join(lima.dir, NAME)), false, "the instance folder is gone");
    await explain("empty again", () => view.getByText("No Lima virtual machines yet.").waitFor({ timeout: 30_000 }));
    await shot("deleted");
  }

});
