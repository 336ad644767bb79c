// A start whose helper goes away, and a start that outlives its window, in a real VS Code
// (code-server in Chromium) with the packaged extension and the real limactl booting the Debian
// test guest under TCG. Each test creates its own stopped VM, starts it from the explorer and,
// while the start runs: kills the helper; changes a setting that needs a new helper; or reloads
// the window (there with a real start that never ends by itself, so the reload cannot miss it).
// code-server is a remote window, so nixlima's machine-scoped settings (the limactl path) live in
// its machine settings, where a person sets them there (Settings editor, "Remote" tab).
// Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator } from "playwright-core";
import { stringify } from "yaml";
import { machineSettingsPath, outputChannelText, startCodeServer, waitForOutputLine, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limactl } from "../support/testVmRun";
import {
  clickContextMenuItem,
  clickNotificationButton,
  contextMenuItems,
  openViewContainer,
  rowIcon,
  waitForNotification,
  waitForRowDescription,
  waitForTreeRow,
  waitForWorkbench,
} from "../support/workbench";

/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load; these wait for less. */
const JOB_TIMEOUT_MS = 4 * 60_000;
/** Lima's cheap never-booted fixture, started for real: QEMU runs and limactl waits for ssh until stopped. */
const NEVER_BOOTS = '{images: [{location: /etc/profile}], disk: "1M", containerd: {system: false, user: false}, firmware: {legacyBIOS: true}}';
/** The row of a VM no job holds: Lima's own state first, never a stage with "…". */
const NOT_BUSY = /^(Running|Stopped)( · |$)/;

describe("a start whose helper goes away, or whose window reloads, in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let scratch: string;
  let server: CodeServer | undefined;

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    scratch = mkdtempSync("/tmp/nllost-");
    const home = join(scratch, "home");
    mkdirSync(home, { mode: 0o700 });
    server = await startCodeServer({
      vsix,
      env: { LIMA_HOME: lima.dir, HOME: home, ...qemuEnv },
      machineSettings: { "nixlima.limactlPath": limactlPath },
    });
  });

  after(async () => {
    await server?.close();
    lima?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A fresh stopped VM (the test guest unless `yaml`), its explorer row, and a start of it from the context menu, running. */
  async function startFromExplorer(name: string, yaml = stringify(testVmConfig({}))): Promise<{ row: Locator; progress: Locator }> {
    await limactl(lima.dir, ["create", "--name", name, "-"], { input: yaml });
    const view = await openViewContainer(server!.page, "nixlima", "nixlima");
    const row = await waitForTreeRow(view, name);
    await waitForRowDescription(row, /^Stopped/, 60_000);
    await clickContextMenuItem(server!.page, row, "Start");
    const progress = await waitForNotification(server!.page, new RegExp(`^Starting ${name}`), 60_000);
    await waitForRowDescription(row, /^[^·]*…/);
    assert.equal(await rowIcon(row), "codicon-loading", "the row is busy while the start runs");
    return { row, progress };
  }

  /** The job has ended for the window: its progress gone, the row itself again with Delete… offered. */
  async function assertEnded(name: string, row: Locator, progress: Locator): Promise<string[]> {
    await progress.waitFor({ state: "detached", timeout: JOB_TIMEOUT_MS });
    await waitForRowDescription(row, NOT_BUSY, JOB_TIMEOUT_MS);
    assert.notEqual(await rowIcon(row), "codicon-loading", `${name}'s row is still busy`);
    const items = await contextMenuItems(server!.page, row);
    assert.ok(items.includes("Delete…"), `Delete… is offered again: ${items.join(", ")}`);
    assert.ok(items.includes("Stop") || items.includes("Start"), `Stop or Start is offered again: ${items.join(", ")}`);
    return items;
  }

  async function explain<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      await server?.screenshot(`ui-lost-helper-${name}-failed`).catch(() => undefined);
      const log = server ? outputChannelText(server, "nixlima") : "";
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- nixlima log ---\n${log}\n${instanceLogTail(lima.dir, name, 20)}`, { cause: err });
    } finally {
      await destroyInstance(lima.dir, name);
    }
  }

  test("the helper killed mid-start: the start ends with a sentence, the row offers Stop or Start and Delete… again, a new helper comes up", async () => {
    const name = "lostkill";
    await explain(name, async () => {
      const { row, progress } = await startFromExplorer(name);
      // The helper running the start (activation, and so the helper, follows the view's opening).
      const before = await helperPid(server!);
      process.kill(before, "SIGKILL");

      const ended = await waitForNotification(server!.page, `The start of VM "${name}" was lost to this window`, JOB_TIMEOUT_MS);
      assert.match((await ended.locator(".notification-list-item-message").textContent()) ?? "", /check it, and run it again if needed\.$/);
      await assertEnded(name, row, progress);
      const after = await helperPid(server!, before);
      assert.notEqual(after, before);
      assert.ok(isAlive(after), `the new helper (pid ${after}) runs`);
      await server!.screenshot("ui-lost-helper-killed");
    });
  });

  test("a helper setting changed mid-start: the start ends with a sentence, the row offers Stop or Start and Delete… again, a new helper comes up", async () => {
    const name = "lostset";
    await explain(name, async () => {
      const { row, progress } = await startFromExplorer(name);
      const before = await helperPid(server!);
      // The same real limactl by another path: a setting the helper is started with.
      const other = join(scratch, `limactl-${Date.now()}`);
      symlinkSync(limactlPath, other);
      writeMachineSettings(server!, { "nixlima.limactlPath": other });

      await waitForNotification(server!.page, `The start of VM "${name}" was lost to this window`, JOB_TIMEOUT_MS);
      await assertEnded(name, row, progress);
      const after = await helperPid(server!, before);
      assert.ok(isAlive(after), `the new helper (pid ${after}) runs`);
    });
  });

  test("the window reloaded mid-start: the reloaded window shows the start, and its Cancel stops the VM", async () => {
    const name = "reloadjob";
    await explain(name, async () => {
      const { page } = server!;
      // A start that lasts until cancelled however long the reload takes: real QEMU, whose
      // SeaBIOS finds nothing to boot, and limactl waiting for ssh (the test guest could finish first).
      await startFromExplorer(name, NEVER_BOOTS);
      await page.reload();
      await waitForWorkbench(page, 60_000);

      const view = await openViewContainer(page, "nixlima", "nixlima");
      const row = await waitForTreeRow(view, name);
      await waitForRowDescription(row, /^[^·]*…/);
      const progress = await waitForNotification(page, new RegExp(`^Starting ${name}`), 60_000);
      await server!.screenshot("ui-reload-mid-start");
      await clickNotificationButton(progress, "Cancel");

      await waitForOutputLine(server!, "nixlima", new RegExp(`Starting ${name}: cancelled`), JOB_TIMEOUT_MS);
      await progress.waitFor({ state: "detached", timeout: JOB_TIMEOUT_MS });
      await waitForRowDescription(row, /^Stopped( · |$)/, JOB_TIMEOUT_MS);
      assert.equal(await rowIcon(row), "codicon-vm-outline");
      // Lima agrees: the VM is stopped, not left half-started.
      const { stdout } = await limactl(lima.dir, ["list", "--format", "{{.Status}}", name]);
      assert.equal(stdout.trim(), "Stopped");
    });
  });
});

/**
 * The pid of the helper the window is connected to, from its log line; with `other`, waits for a
 * connection to a helper other than that one.
 */
async function helperPid(server: CodeServer, other?: number): Promise<number> {
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const pids = [...outputChannelText(server, "nixlima").matchAll(/Connected to the nixlima helper \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    const last = pids.at(-1);
    if (last !== undefined && last !== other) return last;
    if (Date.now() > deadline) throw new Error(`no connection to a helper${other ? ` other than pid ${other}` : ""} in the log`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Changes machine settings the way a person's edit of that settings.json does; VS Code watches the file. */
function writeMachineSettings(server: CodeServer, changes: Record<string, unknown>): void {
  const path = machineSettingsPath(server.userDataDir);
  const now = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...now, ...changes }, null, 2));
}
