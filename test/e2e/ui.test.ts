// The packaged extension in a real VS Code (code-server) driven through Chromium, against the
// real limactl with Lima's never-booting fixture instances in a temporary LIMA_HOME.
// Needs scripts/setup.sh (code-server, Chromium, limactl) and `npm run package` (dist/nixlima.vsix);
// runs as the unprivileged test user, because limactl refuses root.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { outputChannelText, readActivationMs, startCodeServer, waitForOutputLine, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import {
  answerDialog,
  clickContextMenuItem,
  contextMenuItems,
  openViewContainer,
  pickQuickPickItem,
  quickInput,
  typeInQuickInput,
  waitForQuickInputClosed,
  rowDescription,
  rowIcon,
  runCommand,
  treeRow,
  waitForNotification,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

/** A real Lima instance that is never booted (containerd off: its archive would be downloaded). */
const fixture = '{images: [{location: "/etc/profile"}], disk: "1M", containerd: {system: false, user: false}}';

describe("the VM explorer in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let env: Record<string, string>;
  let server: CodeServer | undefined;
  let home: string | undefined;

  const createFixture = (name: string) =>
    execa(limactlPath, ["create", "--tty=false", "--name", name, "-"], { input: fixture, env, timeout: 60_000 });

  /** On failure, say what the server and the extension logged, not only which selector timed out. */
  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "ui", step, body);

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    env = { LIMA_HOME: lima.dir, ...qemuEnv };
    await createFixture("uivm");
    // LIMA_HOME reaches the extension only through the environment: the row appearing proves it.
    // The session's own HOME keeps the helper's ssh config Include out of the test user's.
    // Outside LIMA_HOME: a folder there would be listed as a (broken) instance.
    home = mkdtempSync("/tmp/nlh-");
    server = await startCodeServer({ vsix, env: { ...env, HOME: home }, machineSettings: { "nixlima.limactlPath": limactlPath } });
    const t = server.timings;
    console.log(
      `code-server: vsix installed in ${t.installMs.toFixed(0)} ms, listening after ${t.listenMs.toFixed(0)} ms, workbench shown after ${t.workbenchMs.toFixed(0)} ms`,
    );
  });

  after(async () => {
    await server?.close();
    lima?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("the extension activates and logs its activation time", async () => {
    await openViewContainer(server!.page, "nixlima", "nixlima");
    const ms = await explain("activation", () => readActivationMs(server!));
    console.log(`nixlima activated in ${ms} ms inside code-server`);
    // Activation waits for nothing: it has ended before the helper is even reached.
    const connected = await explain("helper", () => waitForOutputLine(server!, "nixlima", /Connected to the nixlima helper/));
    const log = outputChannelText(server!, "nixlima");
    assert.ok(log.indexOf("nixlima activated in") < connected.index, `activation ended after the helper connected:\n${log}`);
  });

  test("the nixlima view shows the VM with its state and resources", async () => {
    const { page } = server!;
    const view = await openViewContainer(page, "nixlima", "nixlima");
    const row = await explain("row", () => waitForTreeRow(view, "uivm"));
    const description = await explain("description", () => waitForRowDescription(row, /^Stopped · /));
    assert.match(description, /^Stopped · \d+ (s|min) · \d+ CPU · [\d.]+ GiB · x86_64 · qemu$/);
    // Exactly the instances in LIMA_HOME, nothing else (the Images section has none here).
    const topRows = view.locator('.monaco-list-row[role="treeitem"][aria-level="1"] .label-name');
    assert.deepEqual(await topRows.allTextContents(), ["uivm"]);
    await server!.screenshot("ui-explorer-stopped");
  });

  test("a stopped VM's context menu offers Start and Delete…, not Stop", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await openViewContainer(page, "nixlima", "nixlima"), "uivm");
    const items = await explain("context menu", () => contextMenuItems(page, row));
    assert.ok(items.includes("Start"), `menu: ${items.join(", ")}`);
    assert.ok(items.includes("Delete…"), `menu: ${items.join(", ")}`);
    assert.ok(!items.includes("Stop"), `menu: ${items.join(", ")}`);
    assert.ok(!items.includes("Restart"), `menu: ${items.join(", ")}`);
    assert.ok(items.includes("Open in New Window"), `menu: ${items.join(", ")}`);
  });

  // code-server is VS Code in a browser, where no Remote-SSH extension can run: Open offers a
  // terminal instead, and starts nothing before the user chooses.
  test("Open in New Window in a browser VS Code offers a terminal and starts nothing", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await openViewContainer(page, "nixlima", "nixlima"), "uivm");
    await clickContextMenuItem(page, row, "Open in New Window");
    const toast = await explain("terminal offer", () => waitForNotification(page, /VS Code in a browser cannot open "uivm"/));
    await toast.locator(".monaco-button").getByText("Start and Open Terminal", { exact: true }).waitFor();
    // While the offer is open the command waits for the answer; dismissing it ends the command.
    await toast.hover();
    await toast.locator(".codicon-notifications-clear").click();
    await toast.waitFor({ state: "detached" });

    assert.match(await rowDescription(row), /^Stopped/);
    assert.equal(await rowIcon(row), "codicon-vm-outline", "no start job made the VM busy");
    assert.doesNotMatch(outputChannelText(server!, "nixlima"), /Opening vscode-remote:|Starting uivm/);
    assert.equal(server!.userSettings()["remote.SSH.remotePlatform"], undefined, "no Remote-SSH settings written");
  });

  test("a VM created from a terminal appears, and Delete… from its menu removes it", async () => {
    const { page } = server!;
    const view = await openViewContainer(page, "nixlima", "nixlima");
    await createFixture("uivm2");
    const row = await explain("new row", () => waitForTreeRow(view, "uivm2"));
    await waitForRowDescription(row, /^Stopped/);

    await clickContextMenuItem(page, row, "Delete…");
    await explain("confirm", () => answerDialog(page, /Delete VM "uivm2"\?/, "Delete"));
    await explain("row gone", () => treeRow(view, "uivm2").waitFor({ state: "detached", timeout: 30_000 }));
    assert.equal(existsSync(join(lima.dir, "uivm2")), false, "the instance folder is gone");
    // The other VM is untouched.
    assert.match(await rowDescription(await waitForTreeRow(view, "uivm")), /^Stopped/);
  });

  test("Refresh from the command palette keeps the list", async () => {
    const { page } = server!;
    await runCommand(page, "nixlima.refresh");
    const view = await openViewContainer(page, "nixlima", "nixlima");
    assert.match(await rowDescription(await waitForTreeRow(view, "uivm")), /^Stopped/);
  });

  test("Run Doctor shows a read-only report with counts and fixes, and closing it asks nothing", async () => {
    const { page } = server!;
    await runCommand(page, "nixlima.doctor");
    const tab = page.locator(".tabs-container .tab").filter({ hasText: "nixlima Doctor" });
    await explain("doctor tab", () => tab.waitFor({ state: "visible", timeout: 180_000 }));
    // The page lives in the webview's inner frame.
    const body = page.frameLocator("iframe.webview.ready").frameLocator("iframe#active-frame");
    const summary = await explain("summary", async () => (await body.locator(".summary").textContent({ timeout: 30_000 })) ?? "");
    const sections = body.locator("section.check");
    const states = await sections.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    assert.ok(states.length >= 5, `checks: ${states.join(",")}`);
    const ok = states.filter((x) => x === "ok").length;
    assert.match(summary, new RegExp(`^(${ok} of ${states.length} checks pass|All ${states.length} checks pass)`));
    // On Linux no advice about nix-darwin; limactl is found.
    assert.doesNotMatch((await body.locator("body").textContent()) ?? "", /darwin|`/);
    assert.equal(await body.locator('section[data-id="limactl"]').getAttribute("data-state"), "ok");
    await server!.screenshot("ui-doctor");
    await runCommand(page, "workbench.action.closeActiveEditor");
    await explain("tab closed", () => tab.waitFor({ state: "detached", timeout: 10_000 }));
    assert.equal(await page.locator(".monaco-dialog-box").count(), 0, "no save prompt");
  });

  test("a Broken VM: the Sandbox row says unknown, Stop says it is broken, Force Delete removes it", async () => {
    const { page } = server!;
    const view = await openViewContainer(page, "nixlima", "nixlima");
    await createFixture("uibroken");
    rmSync(join(lima.dir, "uibroken", "lima.yaml"));
    const row = await explain("broken row", () => waitForTreeRow(view, "uibroken"));
    await explain("broken", () => waitForRowDescription(row, /^Broken/));
    await row.locator(".monaco-tl-twistie").click();
    const sandbox = await explain("sandbox row", () => waitForTreeRow(view, "Sandbox"));
    await explain("sandbox unknown", () => waitForRowDescription(sandbox, /^unknown$/));
    await server!.screenshot("ui-broken-vm");

    await clickContextMenuItem(page, row, "Stop");
    const toast = await explain("stop refused", () => waitForNotification(page, /"uibroken" cannot be stopped: its configuration file \(lima\.yaml\) cannot be read/));
    const text = (await toast.locator(".notification-list-item-message").textContent()) ?? "";
    assert.doesNotMatch(text, /no VM named|`|no such file/);
    await toast.locator(".notification-list-item-buttons-container .monaco-button").getByText("Show Log", { exact: true }).waitFor();
    assert.match(outputChannelText(server!, "nixlima"), /Lima said: open .*uibroken\/lima\.yaml: no such file or directory/);

    await clickContextMenuItem(page, row, "Delete…");
    await explain("confirm", () => answerDialog(page, /Delete VM "uibroken"\?/, "Force Delete"));
    await explain("row gone", () => treeRow(view, "uibroken").waitFor({ state: "detached", timeout: 60_000 }));
    assert.equal(existsSync(join(lima.dir, "uibroken")), false, "the instance folder is gone");
  });

  test("Create VM…: step numbers follow the template's path, Back returns, a name differing only in case is refused", async () => {
    const { page } = server!;
    await runCommand(page, "nixlima: Create VM…");
    await explain("template step", () => pickQuickPickItem(page, "minimal"));
    // minimal mounts nothing: template, name, resources.
    await explain("name step", () => quickInput(page).locator(".quick-input-title").filter({ hasText: "Create VM (2/3)" }).waitFor());
    await typeInQuickInput(page, "UIVM");
    const message = await explain("case clash", async () => {
      // The box shows its prompt until the check answers: wait for the check's own sentence.
      const clash = quickInput(page).locator(".quick-input-message").filter({ hasText: /differs from the existing VM/ });
      await clash.waitFor();
      return (await clash.textContent()) ?? "";
    });
    assert.match(message, /"UIVM" differs from the existing VM "uivm" only in letter case, which macOS disks do not tell apart\. Choose another name/);
    await server!.screenshot("ui-wizard-name");
    await quickInput(page).locator(".codicon-quick-input-back").click();
    await explain("back to the template", () => quickInput(page).locator(".quick-input-title").filter({ hasText: /^Create VM \(1\/3\)$/ }).waitFor());
    // Highlighting dev (which mounts a folder) changes the count before anything is chosen.
    await page.keyboard.press("ArrowDown");
    await explain("count for the highlighted template", () => quickInput(page).locator(".quick-input-title").filter({ hasText: /^Create VM \(1\/4\)$/ }).waitFor());
    await page.keyboard.press("Escape");
    await waitForQuickInputClosed(page);
  });
});
