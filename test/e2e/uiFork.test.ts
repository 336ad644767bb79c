// Fork and the Images view's sizes, driven in a real VS Code (code-server in Chromium) against the
// real limactl in a temporary LIMA_HOME. Fork (Start a Copy)… from a stopped VM's row clones it
// and boots the copy (the Debian test guest under TCG); the source must stay stopped and
// untouched. The Images view shows a real qcow2 (made by qemu-img, data written by qemu-io) as
// "X used of Y", and the numbers must be the file's real ones as qemu-img reports them.
// Needs scripts/setup.sh and `npm run package`; runs as the unprivileged test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { execa } from "execa";
import { stringify } from "yaml";
import { startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limactl } from "../support/testVmRun";
import {
  answerQuickInput,
  clickContextMenuItem,
  openViewContainer,
  resizeSideBar,
  rowDescription,
  waitForNotification,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 10 * 60_000;
const UNITS: Record<string, number> = { MiB: 2 ** 20, GiB: 2 ** 30 };

interface LimaVm {
  name: string;
  status: string;
}

/** Each file of an instance's directory with its size and modification time: what "unchanged" means. */
function fingerprint(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f} ${s.isDirectory() ? "dir" : s.size} ${s.mtimeMs}`;
    });
}

/** "40.1 MiB used of 20 GiB" → the two numbers in bytes, and half the last shown digit's step (the rounding). */
function parseUsedOf(text: string): { used: number; nominal: number; slack: (n: string) => number } | undefined {
  const m = /(\d+(?:\.\d+)?) (MiB|GiB) used of (\d+(?:\.\d+)?) (MiB|GiB)/.exec(text);
  if (!m) return undefined;
  const step = (shown: string, unit: string) => (shown.includes(".") ? 0.05 : 0.5) * UNITS[unit]!;
  return {
    used: Number(m[1]) * UNITS[m[2]!]!,
    nominal: Number(m[3]) * UNITS[m[4]!]!,
    slack: (which) => (which === "used" ? step(m[1]!, m[2]!) : step(m[3]!, m[4]!)),
  };
}

describe("fork and image sizes in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let home: string;
  let server: CodeServer | undefined;
  const made: string[] = [];

  const explain = <T>(step: string, body: () => Promise<T>, vm?: string) =>
    explainStep(server, "uifork", step, body, vm ? instanceLogTail(lima.dir, vm, 20) : "");
  const limaVms = async (): Promise<LimaVm[]> =>
    (await limactl(lima.dir, ["list", "--json"])).stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as LimaVm);
  const view = () => openViewContainer(server!.page, "nixlima", "nixlima");

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    home = mkdtempSync("/tmp/nlh-");
    // The Images view watches this folder; it exists, empty, before the window opens.
    mkdirSync(join(lima.dir, "_images"));
    server = await startCodeServer({ vsix, env: { LIMA_HOME: lima.dir, HOME: home, ...qemuEnv }, machineSettings: { "nixlima.limactlPath": limactlPath } });
  });

  after(async () => {
    await server?.close();
    if (lima) {
      for (const name of made) await destroyInstance(lima.dir, name);
      lima.dispose();
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test("Fork (Start a Copy)… from a stopped VM's row boots a copy to Running; the source stays stopped and unchanged", async () => {
    const { page } = server!;
    made.push("fk-src", "fk-run");
    // The prepared sandbox: the test guest, created and stopped (never booted: one TCG boot, the fork's, is enough).
    await limactl(lima.dir, ["create", "--name", "fk-src", "-"], { input: stringify(testVmConfig({})) });
    const before = fingerprint(join(lima.dir, "fk-src"));
    const source = await explain("source row", async () => waitForTreeRow(await view(), "fk-src"));
    await waitForRowDescription(source, /^Stopped/);

    await clickContextMenuItem(page, source, "Fork (Start a Copy)…");
    await explain("fork name", () => answerQuickInput(page, "fk-run", "New VM name"));
    await explain("progress", () => waitForNotification(page, /Forking fk-src to fk-run/));
    const fork = await explain("fork row", async () => waitForTreeRow(await view(), "fk-run"));
    // The copy appears while the job runs, and reads as being made, not as a broken VM.
    assert.doesNotMatch(await rowDescription(fork), /Broken/);
    await server!.screenshot("uifork-forking");
    // The row says Running once the job is done (while it boots, the job's stage is shown).
    await explain("fork running", () => waitForRowDescription(fork, /^Running/, BOOT_TIMEOUT_MS), "fk-run");
    await server!.screenshot("uifork-running");

    const vms = await limaVms();
    assert.equal(vms.find((v) => v.name === "fk-run")?.status, "Running", "Lima runs the fork");
    assert.equal(vms.find((v) => v.name === "fk-src")?.status, "Stopped", "Lima still has the source, stopped");
    assert.match(await explain("source stopped", () => waitForRowDescription(source, /^Stopped/)), /^Stopped/);
    assert.deepEqual(fingerprint(join(lima.dir, "fk-src")), before, "no file of the source changed");
  });

  test("the Images view shows an image's real size on the host of the disk size it holds", async () => {
    const path = join(lima.dir, "_images", "nixlima-dev-x86_64-20260701.qcow2");
    await execa("qemu-img", ["create", "-q", "-f", "qcow2", path, "20G"]);
    // Data in it, so it takes tens of MiB on the host: a size that could be shown wrong.
    await execa("qemu-io", ["-f", "qcow2", "-c", "write -P 7 0 48M", path]);
    const info = JSON.parse((await execa("qemu-img", ["info", "--output=json", path])).stdout) as Record<string, number>;
    const actual = info["actual-size"]!;
    const virtual = info["virtual-size"]!;

    const pane = await view();
    const header = pane.locator(".pane-header").filter({ hasText: "Images" });
    if ((await header.getAttribute("aria-expanded")) !== "true") await header.click();
    const row = await explain("image row", () => waitForTreeRow(pane, "dev · x86_64"));
    const text = await waitForRowDescription(row, /used of/);
    // Wide enough that the whole line shows, as a person would drag it to read it.
    await resizeSideBar(server!.page, 460);
    await server!.screenshot("uifork-images", server!.page.locator(".part.sidebar"));

    assert.match(text, /^2026-07-01 · /, text);
    const shown = parseUsedOf(text);
    assert.ok(shown, `no "X used of Y" in ${JSON.stringify(text)}`);
    assert.ok(actual > 40 * UNITS.MiB!, `qemu-img says ${actual} bytes are used`);
    assert.ok(Math.abs(shown.used - actual) <= shown.slack("used"), `shown ${text}, qemu-img: ${actual} bytes used`);
    assert.ok(Math.abs(shown.nominal - virtual) <= shown.slack("nominal"), `shown ${text}, qemu-img: ${virtual} bytes virtual`);
  });
});
