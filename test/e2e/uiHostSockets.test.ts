// Host sockets and Rebuild VM…'s boot + restart, driven in a real VS Code (code-server in
// Chromium) with the packaged extension and the real limactl booting the Debian test guest under
// TCG. Create VM… on nixlima's dev template (its image swapped for the test guest) ticks the Docker
// socket the wizard found and adds any other socket path; both are real unix sockets served by
// this test on the host, and each must answer from inside the guest at its fixed path, with
// DOCKER_HOST set for the Lima user. Rebuild VM… → Boot and restart runs a FAKE nixos-rebuild
// (NixOS cannot run here: a few lines of shell that record how they were called) and restarts the
// VM: the row goes through the restart back to Running, the guest really booted again, and a file
// written in the home folder before is still there.
// Each test boots its own VM. Needs scripts/setup.sh and `npm run package`; runs as the test user.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { stringify } from "yaml";
import { startCodeServer, type CodeServer, testVsix as vsix } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { limactlPath, qemuEnv, repoRoot, tempLimaHome } from "../support/lima";
import { testVmConfig } from "../support/testVm";
import { bootTestVm, destroyInstance, guestShell, instanceLogTail } from "../support/testVmRun";
import {
  answerQuickInput,
  clickContextMenuItem,
  openViewContainer,
  pickQuickPickItem,
  quickInput,
  runCommand,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

/** A TCG boot takes ~70 s on a quiet machine and 2–4× that under load. */
const BOOT_TIMEOUT_MS = 10 * 60_000;
/** nixlima's templates start with this line; the explorer then knows the VM boots NixOS (Rebuild VM…). */
const DEV_HEADER = '# nixlima template "dev": a persistent development VM (test guest)\n';
/** The FAKE nixos-rebuild (see the header) records its arguments on the disk, which a restart keeps (/tmp is a tmpfs). */
const FAKE_RECORD = "/var/lib/fake-nixos-rebuild.args";
const FAKE_NIXOS_REBUILD = String.raw`#!/bin/bash
printf '%s\n' "$@" > ${FAKE_RECORD}
echo "building the system configuration..." >&2
echo "updating GRUB 2 menu..." >&2
echo "Done. The new configuration is /nix/store/p3q744b7fnvnyigaxksfypsxx8q86lgb-nixos-system-rb-25.11"
`;

/** A unix socket server on the host that answers each line with `NAME got LINE`. */
async function lineServer(path: string, name: string): Promise<Server> {
  const server = createServer((socket) => {
    let buffered = "";
    socket.on("data", (data) => {
      buffered += data.toString();
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        socket.write(`${name} got ${buffered.slice(0, nl)}\n`);
        buffered = buffered.slice(nl + 1);
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
  return server;
}

/**
 * Sends a line to a unix socket in the guest with its python3 (cloud-init's) and prints the answer
 * line, once the socket is there (Lima's host agent sets its forwards up beside the boot's end).
 */
const askInGuest = (path: string, line: string) =>
  `for i in $(seq 60); do test -S ${path} && break; sleep 1; done; python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.settimeout(30); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode()+b"\\n"); print(s.makefile().readline().strip())' ${path} ${line}`;

describe("host sockets and Rebuild VM… in a real VS Code", () => {
  let lima: ReturnType<typeof tempLimaHome>;
  let scratch: string;
  let home: string;
  let server: CodeServer | undefined;
  const sockets: Server[] = [];
  const made: string[] = [];

  const explain = <T>(step: string, body: () => Promise<T>, vm?: string) =>
    explainStep(server, "uihostsockets", step, body, vm ? instanceLogTail(lima.dir, vm, 20) : "");
  const view = () => openViewContainer(server!.page, "nixlima", "nixlima");

  before(async () => {
    assert.ok(existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    lima = tempLimaHome();
    // Short: unix socket paths are limited to 107 bytes, here and in Lima's forward.
    scratch = mkdtempSync("/tmp/nhs-");
    home = join(scratch, "home");
    mkdirSync(home, { mode: 0o700 });
    // nixlima's dev template with its image swapped for the test guest, under its own name.
    const templates = join(scratch, "templates");
    mkdirSync(templates);
    writeFileSync(join(templates, "dev.yaml"), DEV_HEADER + stringify(testVmConfig(readFileSync(join(repoRoot, "templates/dev.yaml"), "utf8"))));
    server = await startCodeServer({
      vsix,
      env: { LIMA_HOME: lima.dir, HOME: home, NIXLIMA_TEMPLATES: templates, ...qemuEnv },
      machineSettings: { "nixlima.limactlPath": limactlPath },
    });
  });

  after(async () => {
    await server?.close();
    for (const s of sockets) s.close();
    if (lima) {
      for (const name of made) await destroyInstance(lima.dir, name);
      lima.dispose();
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("Create VM… with the Docker socket it found and another socket path: both answer inside the guest, DOCKER_HOST points there", async () => {
    const { page } = server!;
    const NAME = "hs-vm";
    made.push(NAME);
    // Docker Desktop's socket where the wizard looks for it (in the home folder), and a socket of any name elsewhere.
    const dockerSocket = join(home, ".docker", "run", "docker.sock");
    mkdirSync(join(home, ".docker", "run"), { recursive: true });
    sockets.push(await lineServer(dockerSocket, "docker"));
    const otherSocket = join(scratch, "echo.sock");
    sockets.push(await lineServer(otherSocket, "echo"));

    await view();
    await runCommand(page, "nixlima: Create VM…");
    await explain("template", () => pickQuickPickItem(page, "dev"));
    await explain("name", () => answerQuickInput(page, NAME, /^VM name/));
    await explain("resources", () => pickQuickPickItem(page, "Template default"));
    await explain("folder", () => pickQuickPickItem(page, "No folder"));
    await explain("sockets step", () => quickInput(page).locator(".quick-input-title").filter({ hasText: "Create VM: host sockets" }).waitFor({ timeout: 30_000 }));
    await explain("tick Docker", () => tick(page, "Docker Desktop", dockerSocket));
    await explain("tick another", () => tick(page, "Another socket…"));
    await server!.screenshot("uihostsockets-wizard-sockets");
    await quickInput(page).locator(".quick-input-action .monaco-button, .quick-input-ok .monaco-button").getByText("OK", { exact: true }).click();
    await explain("socket path", () => answerQuickInput(page, otherSocket, "Path of a unix socket on this host"));
    await explain("wizard closed", () => waitForQuickInputClosed(page));

    await explain("create notification", () => waitForNotification(page, new RegExp(`Creating ${NAME}`), 60_000));
    const row = await explain("new row", async () => waitForTreeRow(await view(), NAME));
    await explain("running", () => waitForRowDescription(row, /^Running · /, BOOT_TIMEOUT_MS), NAME);
    await server!.screenshot("uihostsockets-running");

    const docker = await guestShell(lima.dir, NAME, `echo "host=$DOCKER_HOST"; ${askInGuest("/run/host-services/docker.sock", "ping")}`);
    assert.match(docker, /^host=unix:\/\/\/run\/host-services\/docker\.sock$/m, docker);
    assert.match(docker, /^docker got ping$/m, `the Docker socket did not answer in the guest:\n${docker}`);
    const other = await guestShell(lima.dir, NAME, askInGuest("/run/host-services/echo.sock", "hello"));
    assert.equal(other.trim(), "echo got hello", "the other socket answers at its fixed guest path");
  });

  test("Rebuild VM… → Boot and restart: nixos-rebuild boot, the row goes through the restart to Running, the home folder's file is kept", async () => {
    const { page } = server!;
    const NAME = "rb-vm";
    made.push(NAME);
    await bootTestVm(lima.dir, NAME, "rebuild", DEV_HEADER + stringify(testVmConfig({})));
    await guestShell(lima.dir, NAME, "sudo tee /usr/local/bin/nixos-rebuild > /dev/null && sudo chmod 755 /usr/local/bin/nixos-rebuild", FAKE_NIXOS_REBUILD);
    await guestShell(lima.dir, NAME, "echo kept > ~/before-rebuild.txt && sync");
    const bootBefore = (await guestShell(lima.dir, NAME, "cat /proc/sys/kernel/random/boot_id")).trim();

    const row = await explain("row", async () => waitForTreeRow(await view(), NAME));
    await explain("running row", () => waitForRowDescription(row, /^Running · /, 60_000));
    await clickContextMenuItem(page, row, "Rebuild VM…");
    await explain("mode", () => pickQuickPickItem(page, "Boot and restart"));
    await explain("flake", () => answerQuickInput(page, "/etc/nixos#dev-x86_64", /nixos-rebuild boot --flake/));
    await explain("rebuild notification", () => waitForNotification(page, new RegExp(`Rebuilding ${NAME}`), 60_000));

    const seen = await explain("through the restart", () => stagesUntilRunning(row, page, () => server!.screenshot("uihostsockets-rebuild-restarting")), NAME);
    console.log(`rebuild stages on the row: ${seen.join(" → ")}`);
    assert.ok(seen.some((s) => /…$/.test(s)), `the row never showed the job: ${seen.join(" → ")}`);
    assert.ok(
      seen.some((s) => /^(Restarting into the new system|Starting the VM|Booting|Waiting)/.test(s)),
      `the row showed no stage of the restart: ${seen.join(" → ")}`,
    );
    assert.notEqual((await guestShell(lima.dir, NAME, "cat /proc/sys/kernel/random/boot_id")).trim(), bootBefore, "the guest booted again");
    assert.equal((await guestShell(lima.dir, NAME, "cat ~/before-rebuild.txt")).trim(), "kept");
    assert.equal(await guestShell(lima.dir, NAME, `cat ${FAKE_RECORD}`), "boot\n--flake\n/etc/nixos#dev-x86_64");
  });
});

/** Ticks the quick pick row labelled `label` (and described `description`) of a multi-select step. */
async function tick(page: Page, label: string, description?: string): Promise<void> {
  let row = quickInput(page)
    .locator(".quick-input-list .monaco-list-row")
    .filter({ has: page.locator(".label-name").getByText(label.replace(/^\$\([^)]*\)\s*/, ""), { exact: true }) });
  if (description) row = row.filter({ hasText: description });
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().locator(".quick-input-list-checkbox, .monaco-checkbox, input[type=checkbox]").first().click();
}

/**
 * The row's descriptions while the job holds it, in order without repeats, until it is Running
 * again after having shown the job (the restart takes minutes under TCG, so each stage is seen);
 * `onBooting` once, when the restarted VM starts booting.
 */
async function stagesUntilRunning(row: Locator, page: Page, onBooting: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    const text = ((await row.locator(".label-description").textContent({ timeout: 30_000 })) ?? "").trim();
    const stage = text.split(" · ")[0]!;
    if (stage !== seen.at(-1)) {
      if (stage.startsWith("Booting") && !seen.some((s) => s.startsWith("Booting"))) await onBooting();
      seen.push(stage);
    }
    if (stage === "Running" && seen.some((s) => s.endsWith("…"))) return seen;
    if (Date.now() > deadline) throw new Error(`not Running again within ${BOOT_TIMEOUT_MS} ms: ${seen.join(" → ")}`);
    await page.waitForTimeout(500);
  }
}
