// The dev-VM operations driven in a real VS Code (code-server through Chromium) from the row's
// context menu and the palette, against the real limactl with never-booting fixture VMs in a
// temporary LIMA_HOME: Clone…, Rename…, Resize…, protection, Start at Login, Make This My Dev VM
// and Reclaim Space…. Each test makes its own VMs and checks what a person sees (rows, their
// descriptions, notifications, the status bar) and what Lima really did.
// Needs scripts/setup.sh and `npm run package`; runs as the test user (limactl refuses root).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import type { Locator, Page } from "playwright-core";
import { startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { writeSystemdLimactl } from "../support/systemdLimactl";
import {
  answerDialog,
  answerQuickInput,
  clickContextMenuItem,
  contextMenuItems,
  openViewContainer,
  pickQuickPickItem,
  quickInput,
  rowDescription,
  runCommand,
  treeRow,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

/** A real Lima instance that is never booted (containerd off: its archive would be downloaded). */
const fixture = '{images: [{location: "/etc/profile"}], disk: "1M", containerd: {system: false, user: false}}';
const GIB = 2 ** 30;

interface LimaVm {
  name: string;
  cpus: number;
  memory: number;
  disk: number;
  protected?: boolean;
}

describe("dev-VM operations in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let env: Record<string, string>;
  let server: CodeServer | undefined;
  let home: string | undefined;
  let units = "";

  const createFixture = (name: string) =>
    execa(limactlPath, ["create", "--tty=false", "--name", name, "-"], { input: fixture, env, timeout: 60_000 });
  const limaVms = async (): Promise<LimaVm[]> => {
    const { stdout } = await execa(limactlPath, ["list", "--json"], { env, timeout: 60_000 });
    return stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as LimaVm);
  };
  const limaVm = async (name: string) => (await limaVms()).find((v) => v.name === name);
  const view = () => openViewContainer(server!.page, "nixlima", "nixlima");
  const unitFile = (name: string) => join(units, `lima-vm@${name}.service`);

  /** On failure, a screenshot and what the extension logged, not only which selector timed out. */
  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "uidevvm", step, body);

  /** A fixture VM made from a terminal, once its row shows it stopped. */
  async function stoppedRow(name: string): Promise<Locator> {
    await createFixture(name);
    const row = await explain(`row ${name}`, async () => waitForTreeRow(await view(), name));
    await waitForRowDescription(row, /^Stopped/);
    return row;
  }

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    home = mkdtempSync("/tmp/nlh-");
    const xdg = join(home, "xdg");
    units = join(xdg, "systemd", "user");
    mkdirSync(xdg, { recursive: true });
    env = { LIMA_HOME: lima.dir, ...qemuEnv };
    // The extension's limactl is the systemd wrapper, so Start at Login runs Lima's real code.
    const wrapper = writeSystemdLimactl(home);
    server = await startCodeServer({
      vsix,
      env: { ...env, HOME: home, XDG_CONFIG_HOME: xdg, SYSTEMD_OFFLINE: "1" },
      machineSettings: { "nixlima.limactlPath": wrapper },
    });
  });

  after(async () => {
    await server?.close();
    lima?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("Clone… from the row's menu copies the stopped VM under the name typed; the source stays", async () => {
    const { page } = server!;
    const row = await stoppedRow("cl-src");
    await clickContextMenuItem(page, row, "Clone…");
    await explain("clone name", () => answerQuickInput(page, "cl-copy", "New VM name"));
    const copy = await explain("copy row", async () => waitForTreeRow(await view(), "cl-copy"));
    await waitForRowDescription(copy, /^Stopped/);
    assert.ok(await limaVm("cl-copy"), "Lima lists the copy");
    assert.ok(await limaVm("cl-src"), "Lima still lists the source");
    assert.match(await rowDescription(await waitForTreeRow(await view(), "cl-src")), /^Stopped/);
  });

  test("Clone… refuses a name that is taken, saying so under the input, and makes nothing", async () => {
    const { page } = server!;
    const row = await stoppedRow("cl-taken");
    await createFixture("cl-other");
    await waitForTreeRow(await view(), "cl-other");
    await clickContextMenuItem(page, row, "Clone…");
    await quickInput(page).locator(".quick-input-message").filter({ hasText: "New VM name" }).waitFor();
    await typeInQuickInput(page, "cl-other");
    const taken = await explain("taken message", () => inputMessage(page, /already exists/));
    assert.equal(taken, 'A VM named "cl-other" already exists.');
    await page.keyboard.press("Escape");
    await waitForQuickInputClosed(page);
    assert.deepEqual((await limaVms()).filter((v) => v.name.startsWith("cl-taken") || v.name === "cl-other").map((v) => v.name).sort(), ["cl-other", "cl-taken"]);
  });

  test("Rename… from the palette asks which VM, then moves it to the new name", async () => {
    const { page } = server!;
    await stoppedRow("rn-old");
    await runCommand(page, "nixlima.renameVm");
    await explain("pick VM", () => pickQuickPickItem(page, "rn-old"));
    await explain("new name", () => answerQuickInput(page, "rn-new", "New VM name"));
    const renamed = await explain("renamed row", async () => waitForTreeRow(await view(), "rn-new"));
    await waitForRowDescription(renamed, /^Stopped/);
    await explain("old row gone", async () => treeRow(await view(), "rn-old").waitFor({ state: "detached", timeout: 30_000 }));
    assert.equal(await limaVm("rn-old"), undefined);
    assert.ok(await limaVm("rn-new"));
  });

  test("Resize… from the row's menu checks each number as typed and sets CPUs, memory and disk", async () => {
    const { page } = server!;
    const row = await stoppedRow("rs-vm");
    await clickContextMenuItem(page, row, "Resize…");
    await answerTitled(page, 'Resize "rs-vm": CPUs', "1.5", false);
    assert.equal(await explain("cpu check", () => inputMessage(page, /whole number/)), "The number of CPUs must be a positive whole number.");
    await answerTitled(page, 'Resize "rs-vm": CPUs', "3");
    await answerTitled(page, 'Resize "rs-vm": memory (GiB)', "2.5");
    await answerTitled(page, 'Resize "rs-vm": disk (GiB, it can only grow)', "2");
    const description = await explain("resized row", () => waitForRowDescription(row, /^Stopped · .*3 CPU · 2\.5 GiB/));
    assert.match(description, /3 CPU · 2\.5 GiB/);
    const vm = await limaVm("rs-vm");
    assert.deepEqual({ cpus: vm?.cpus, memory: vm?.memory, disk: vm?.disk }, { cpus: 3, memory: 2.5 * GIB, disk: 2 * GIB });
  });

  test("Protect and Unprotect: the menu offers only the one that applies, and Lima's mark follows", async () => {
    const { page } = server!;
    const row = await stoppedRow("pr-vm");
    let items = await contextMenuItems(page, row);
    assert.ok(items.includes("Protect Against Deletion") && !items.includes("Remove Deletion Protection"), items.join(", "));
    await clickContextMenuItem(page, row, "Protect Against Deletion");
    await explain("protected row", () => waitForRowDescription(row, /· protected/));
    assert.equal((await limaVm("pr-vm"))?.protected, true);
    items = await contextMenuItems(page, row);
    assert.ok(items.includes("Remove Deletion Protection") && !items.includes("Protect Against Deletion"), items.join(", "));

    // Delete… on a protected VM explains how protection comes off, and deletes nothing.
    await clickContextMenuItem(page, row, "Delete…");
    await explain("protected dialog", () => answerDialog(page, /"pr-vm" is protected against deletion/, "Cancel"));
    assert.ok(await limaVm("pr-vm"), "still there");

    await runCommand(page, "nixlima.unprotectVm");
    await explain("pick protected", () => pickQuickPickItem(page, "pr-vm"));
    await explain("unprotected row", () => waitForRowDescription(row, /^Stopped(?!.*protected)/));
    assert.notEqual((await limaVm("pr-vm"))?.protected, true);
  });

  test("Start at Login from the row's menu: Lima's unit appears, the row says so, and the menu then turns it off", async () => {
    const { page } = server!;
    const row = await stoppedRow("al-vm");
    let items = await contextMenuItems(page, row);
    assert.ok(items.includes("Start at Login") && !items.includes("Don't Start at Login"), items.join(", "));
    await clickContextMenuItem(page, row, "Start at Login");
    await explain("at login row", () => waitForRowDescription(row, /· starts at login/));
    assert.ok(existsSync(unitFile("al-vm")), "Lima wrote its systemd user unit");
    items = await contextMenuItems(page, row);
    assert.ok(items.includes("Don't Start at Login") && !items.includes("Start at Login"), items.join(", "));
    await clickContextMenuItem(page, row, "Don't Start at Login");
    await explain("not at login row", () => waitForRowDescription(row, /^Stopped(?!.*starts at login)/));
    assert.equal(existsSync(unitFile("al-vm")), false, "Lima removed its unit");
  });

  test("Make This My Dev VM from the palette: the status bar shows it, and it is protected", async () => {
    const { page } = server!;
    const row = await stoppedRow("dv-vm");
    await runCommand(page, "nixlima.setDevVm");
    await explain("pick dev VM", () => pickQuickPickItem(page, "dv-vm"));
    await explain("dev VM notice", () => waitForNotification(page, /"dv-vm" is your dev VM/));
    const item = page.locator(".part.statusbar .statusbar-item").filter({ hasText: "dv-vm" });
    await explain("status bar", () => item.first().waitFor({ state: "visible", timeout: 30_000 }));
    await explain("dev VM protected", () => waitForRowDescription(row, /· protected/));
    assert.equal((await limaVm("dv-vm"))?.protected, true);
    assert.equal(server!.userSettings()["nixlima.devVm"], "dv-vm");
    await server!.screenshot("uidevvm-status-bar");
  });

  test("Reclaim Space… lists stopped VMs with their size and deletes only the one ticked", async () => {
    const { page } = server!;
    await stoppedRow("rc-gone");
    await stoppedRow("rc-kept");
    await runCommand(page, "nixlima.reclaimSpace");
    await explain("days", () => answerQuickInput(page, "0", "Offer stopped VMs"));
    const rows = quickInput(page).locator(".quick-input-list .monaco-list-row");
    const gone = rows.filter({ hasText: "rc-gone" });
    await explain("reclaim list", () => gone.waitFor({ timeout: 30_000 }));
    assert.match((await gone.textContent()) ?? "", /rc-gone.*(KiB|MiB|GiB|bytes|B)/);
    assert.ok(await rows.filter({ hasText: "rc-kept" }).isVisible(), "the other stopped VM is offered too");
    await gone.locator(".quick-input-list-checkbox, .monaco-checkbox, input[type=checkbox]").first().click();
    await quickInput(page).locator(".quick-input-action .monaco-button, .quick-input-ok .monaco-button").getByText("OK", { exact: true }).click();
    await explain("confirm", () => answerDialog(page, /Delete 1 item\(s\)/, "Delete"));
    await explain("row gone", async () => treeRow(await view(), "rc-gone").waitFor({ state: "detached", timeout: 60_000 }));
    assert.equal(await limaVm("rc-gone"), undefined);
    assert.ok(await limaVm("rc-kept"), "the unticked VM is still there");
    assert.match(await rowDescription(await waitForTreeRow(await view(), "rc-kept")), /^Stopped/);
  });
});

/** The message under the input once it matches (the prompt shows there until a check speaks). */
async function inputMessage(page: Page, expected: RegExp): Promise<string> {
  const message = quickInput(page).locator(".quick-input-message").filter({ hasText: expected });
  await message.waitFor({ timeout: 30_000 });
  return ((await message.textContent()) ?? "").trim();
}

/** Answers an input box step whose title matches (Resize's steps have a title, no prompt). */
async function answerTitled(page: Page, title: string, text: string, accept = true): Promise<void> {
  await quickInput(page).locator(".quick-input-title").filter({ hasText: title }).waitFor({ timeout: 30_000 });
  await typeInQuickInput(page, text);
  if (accept) await page.keyboard.press("Enter");
}
