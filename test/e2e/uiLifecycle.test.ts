// A real VM created, opened, stopped, started and deleted from the packaged extension in a real
// VS Code (code-server in Chromium), with the real limactl booting the Debian test guest under TCG.
// The only template code-server's helper sees is nixlima's own minimal.yaml with its images swapped
// for the test guest (NIXLIMA_TEMPLATES). Remote-SSH cannot run in code-server, so this session
// also has a FAKE Remote-SSH installed (test/fixtures/fakeRemoteSsh: a manifest with the id
// jeanp413.open-remote-ssh that only declares the two settings nixlima writes).
// One VM, two boots. Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { stringify } from "yaml";
import { packageVsix, resultsDir, startCodeServer, waitForOutputLine, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, repoRoot, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, secondsSince } from "../support/testVmRun";
import {
  answerDialog,
  answerQuickInput,
  clickContextMenuItem,
  openViewContainer,
  pickQuickPickItem,
  saveSideBarScreenshot,
  rowIcon,
  runCommand,
  treeRow,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const NAME = "uiboot";
const HOST = `lima-${NAME}`;
/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 8 * 60_000;
/** The "Starting uiboot" notification showing a boot stage in plain words (see helper/src/lima/progress.ts). */
const LIMA_STAGE = /Starting uiboot: (Starting the VM|Booting|Setting up|Finishing|Waiting for the guest agent|Guest agent running)/;
/** Lima's own words, which people never see in a notification. */
const LIMA_WORDS = /requirement|SSH Local Port|driver|ControlMaster|READY|`/;

describe("a real VM from Create VM… to Delete… in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let scratch: string;
  let server: CodeServer | undefined;
  /** The session's HOME, where the helper keeps its ssh config. */
  let home: string;
  /** Lima's ssh port for the VM as the explorer showed it. */
  let sshPort: string;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "ui-lifecycle", step, body, instanceLogTail(lima.dir, NAME, 20));

  const explorer = () => openViewContainer(server!.page, "nixlima", "nixlima");

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    scratch = mkdtempSync("/tmp/nlui-");
    const templates = join(scratch, "templates");
    // The session's own HOME: the helper writes its ssh config Include there, not into the test user's.
    home = join(scratch, "home");
    for (const dir of [templates, home]) mkdirSync(dir, { mode: 0o700 });
    const minimal = readFileSync(join(repoRoot, "templates/minimal.yaml"), "utf8");
    writeFileSync(join(templates, "minimal.yaml"), stringify(testVmConfig(minimal)));
    const fake = await packageVsix(join(repoRoot, "test/fixtures/fakeRemoteSsh"), scratch);

    server = await startCodeServer({
      vsix: [vsix, fake],
      env: { LIMA_HOME: lima.dir, NIXLIMA_TEMPLATES: templates, HOME: home, ...qemuEnv },
      // A value the user set for another host must survive nixlima's write.
      machineSettings: { "nixlima.limactlPath": limactlPath },
      settings: { "remote.SSH.remotePlatform": { builder: "macOS" } },
    });
    const t = server.timings;
    console.log(`code-server with nixlima and the fake Remote-SSH: up in ${((t.installMs + t.listenMs + t.workbenchMs) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await server?.close();
    if (lima) {
      await destroyInstance(lima.dir, NAME);
      lima.dispose();
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("Create VM… from the palette: the row appears at once as busy, then Running", async () => {
    const { page } = server!;
    const view = await explorer();
    await runCommand(page, "nixlima: Create VM…");
    await explain("template", () => pickQuickPickItem(page, "minimal"));
    await explain("name", () => answerQuickInput(page, NAME, /^VM name/));
    await explain("resources", () => pickQuickPickItem(page, "Template default"));
    const started = performance.now();
    await explain("quick input closed", () => waitForQuickInputClosed(page));

    const row = await explain("new row", () => waitForTreeRow(view, NAME));
    console.log(`row shown ${secondsSince(started)} s after the last answer`);
    assert.equal(await rowIcon(row), "codicon-loading", "the new VM is busy while it is created");
    await explain("create notification", () => waitForNotification(page, /Creating uiboot/));

    const description = await explain("running", () => waitForRowDescription(row, /^Running · /, BOOT_TIMEOUT_MS));
    console.log(`Create VM… to Running: ${secondsSince(started)} s`);
    assert.match(description, /^Running · \d+ (s|min) · 2 CPU · 1 GiB · x86_64 · qemu$/);
    assert.equal(await rowIcon(row), "codicon-vm-running");
    // The create ends by saying so, with what to do next and nothing to cancel.
    const done = await explain("running notification", () => waitForNotification(page, `${NAME} is running.`));
    const buttons = await done.locator(".notification-list-item-buttons-container .monaco-button").allTextContents();
    assert.deepEqual(buttons, ["Open", "Terminal"]);
    await server!.screenshot("ui-create-done");
    await done.hover();
    await done.locator(".codicon-notifications-clear").click();

    // Its details, expanded for a picture a person can look at: the ssh host and Lima's port.
    await row.locator(".monaco-tl-twistie").click();
    const ssh = await explain("ssh child", () => waitForTreeRow(view, "SSH"));
    const sshText = await waitForRowDescription(ssh, new RegExp(`^${HOST} · 127\\.0\\.0\\.1:\\d+$`));
    sshPort = sshText.split(":").pop()!;
    await saveSideBarScreenshot(page, view, join(resultsDir, "explorer.png"));
  });

  test("Open in New Window writes Remote-SSH's settings for the VM and opens ssh-remote+lima-NAME", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await explorer(), NAME);
    await clickContextMenuItem(page, row, "Open in New Window");
    const [, folder] = await explain("opening line", () =>
      waitForOutputLine(server!, "nixlima", new RegExp(`Opening vscode-remote://ssh-remote\\+${HOST}(/\\S*) in a new window`)),
    );
    assert.match(folder!, /^\/home\/[^/]+/, "with no project mount the guest user's home is opened");

    const settings = server!.userSettings();
    assert.deepEqual(settings["remote.SSH.remotePlatform"], { builder: "macOS", [HOST]: "linux" });
    assert.equal(typeof settings["remote.SSH.connectTimeout"], "number", "a connect timeout suited to a booting VM is set");
    assert.ok((settings["remote.SSH.connectTimeout"] as number) >= 30);

    // Remote-SSH finds the host through the user's ssh config, which now includes nixlima's hosts.
    const sshConfig = join(home, ".ssh/config");
    assert.match(readFileSync(sshConfig, "utf8"), /^# >>> nixlima: managed block.*\n(.*\n)*?Include .*\n(.*\n)*?# <<< nixlima <<</m);
    const { stdout } = await execa("ssh", ["-F", sshConfig, "-G", HOST]);
    assert.match(stdout, /^hostname 127\.0\.0\.1$/m);
    assert.match(stdout, new RegExp(`^port ${sshPort}$`, "m"));
  });

  test("Stop from the context menu: Stopped with the stopped icon", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await explorer(), NAME);
    const started = performance.now();
    await clickContextMenuItem(page, row, "Stop");
    await explain("stopped", () => waitForRowDescription(row, /^Stopped · /, 3 * 60_000));
    console.log(`Stop to Stopped: ${secondsSince(started)} s`);
    assert.equal(await rowIcon(row), "codicon-vm-outline");
  });

  test("Start from the context menu: Lima's stages in the notification, then Running again", async () => {
    const { page } = server!;
    const row = await waitForTreeRow(await explorer(), NAME);
    const started = performance.now();
    await clickContextMenuItem(page, row, "Start");
    const toast = await explain("stage notification", () => waitForNotification(page, LIMA_STAGE, BOOT_TIMEOUT_MS));
    const shown = (await toast.locator(".notification-list-item-message").textContent()) ?? "";
    console.log(`a boot stage shown after ${secondsSince(started)} s: ${shown}`);
    assert.doesNotMatch(shown, LIMA_WORDS);
    await server!.screenshot("ui-start-progress");
    await explain("running again", () => waitForRowDescription(row, /^Running · /, BOOT_TIMEOUT_MS));
    console.log(`Start to Running: ${secondsSince(started)} s`);
    assert.equal(await rowIcon(row), "codicon-vm-running");
  });

  test("Delete… with Force Delete removes the running VM", async () => {
    const { page } = server!;
    const view = await explorer();
    const row = await waitForTreeRow(view, NAME);
    const started = performance.now();
    await clickContextMenuItem(page, row, "Delete…");
    await explain("confirm", () => answerDialog(page, /Delete VM "uiboot"\?/, "Force Delete"));
    await explain("row gone", () => treeRow(view, NAME).waitFor({ state: "detached", timeout: 2 * 60_000 }));
    console.log(`Force Delete to row gone: ${secondsSince(started)} s`);
    assert.equal(existsSync(join(lima.dir, NAME)), false, "the instance folder is gone");
  });
});

