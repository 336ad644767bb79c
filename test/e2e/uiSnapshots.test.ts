// Snapshots of a real running VM driven in a real VS Code (code-server in Chromium): Create
// Snapshot… from the row's menu, Reset to Checkpoint… from the palette (the guest loses what it
// wrote since), Delete Snapshot… from the row's menu — checked on the row and against
// `limactl snapshot list` and the guest itself. Snapshots are QEMU-only: the Debian test guest
// boots under TCG (two boots: the first start, and the start after the reset).
// Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { bootTestVm, destroyInstance, guestShell, instanceLogTail, limactl } from "../support/testVmRun";
import {
  answerDialog,
  answerQuickInput,
  clickContextMenuItem,
  openViewContainer,
  pickQuickPickItem,
  runCommand,
  waitForNotification,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const NAME = "uisnap";
/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 10 * 60_000;
/** In the guest user's home; bash expands the tilde in the guest. */
const MARKER = "~/after-checkpoint";

describe("snapshots of a running VM in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let home: string;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "uisnap", step, body, instanceLogTail(lima.dir, NAME, 20));
  /** `limactl snapshot list`'s text; "" when Lima says there are none (it exits non-zero then). */
  const tags = async () => (await limactl(lima.dir, ["snapshot", "list", NAME]).catch(() => ({ stdout: "" }))).stdout;
  /** Waits until Lima's own list has (or no longer has) the tag: the job ends a moment before the row redraws. */
  async function untilTag(tag: string, present: boolean): Promise<void> {
    const has = async () => new RegExp(`\\b${tag}\\b`).test(await tags());
    for (let i = 0; i < 120 && (await has()) !== present; i++) await new Promise((r) => setTimeout(r, 1000));
  }
  const markerThere = async () => (await guestShell(lima.dir, NAME, `test -e ${MARKER} && echo yes || echo no`)).trim();

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    home = mkdtempSync("/tmp/nlh-");
    await bootTestVm(lima.dir, NAME, "snapshots");
    server = await startCodeServer({ vsix, env: { LIMA_HOME: lima.dir, HOME: home, ...qemuEnv }, machineSettings: { "nixlima.limactlPath": limactlPath } });
  });

  after(async () => {
    await server?.close();
    if (lima) {
      await destroyInstance(lima.dir, NAME);
      lima.dispose();
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("Create Snapshot…, then Reset to Checkpoint… drops what the guest wrote since, and Delete Snapshot… removes it", async () => {
    const { page } = server!;
    const view = await openViewContainer(page, "nixlima", "nixlima");
    const row = await explain("row", () => waitForTreeRow(view, NAME));
    await waitForRowDescription(row, /^Running/);

    await clickContextMenuItem(page, row, "Create Snapshot…");
    await explain("tag", () => answerQuickInput(page, "clean", "Snapshot name"));
    await explain("saved", () => untilTag("clean", true));
    assert.match(await tags(), /\bclean\b/, "Lima lists the snapshot");
    await explain("running after save", () => waitForRowDescription(row, /^Running/, BOOT_TIMEOUT_MS));

    await guestShell(lima.dir, NAME, `touch ${MARKER}`);
    assert.equal(await markerThere(), "yes");
    await runCommand(page, "nixlima.applySnapshot");
    await explain("pick VM", () => pickQuickPickItem(page, NAME));
    await explain("pick snapshot", () => pickQuickPickItem(page, "clean"));
    await explain("confirm", () => answerDialog(page, /Reset "uisnap" to snapshot "clean"\?/, "Reset"));
    await explain("reset notification", () => waitForNotification(page, /Snapshot of uisnap/));
    await explain("busy while it resets", () => waitForRowDescription(row, /^(?!Running)/, 60_000));
    await explain("running again", () => waitForRowDescription(row, /^Running/, BOOT_TIMEOUT_MS));
    assert.equal(await markerThere(), "no", "the file written after the snapshot is gone");

    await clickContextMenuItem(page, row, "Delete Snapshot…");
    await explain("pick to delete", () => pickQuickPickItem(page, "clean"));
    await explain("deleted", () => untilTag("clean", false));
    assert.doesNotMatch(await tags(), /\bclean\b/);
    assert.match(await waitForRowDescription(row, /^Running/), /^Running/);
  });
});
