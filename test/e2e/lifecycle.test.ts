// The `nixlima` CLI driving the real test guest through its whole life with the real limactl,
// made from each of nixlima's templates with only the image swapped for the test guest:
// agent: create → start (stages in order) → list → shell → stop → start again → a VM whose QEMU
// died is Broken and can be force-stopped → cancel during start leaves nothing running → delete;
// minimal and dev: create --start → shell (dev: through its writable project mount, and with the
// caller's ssh agent forwarded, which the agent sandbox must never see) → delete.
// Each boot is a minute or more under TCG; prints each stage's duration.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { limactlPath, repoRoot, tempLimaHome } from "../support/lima";
import { startSshAgent, type TestSshAgent } from "../support/sshAgent";
import { testVmConfig } from "../support/testVm";
import { destroyInstance, instanceLogTail, limaEnv, secondsSince } from "../support/testVmRun";

const name = "e2e-cli";
const home = tempLimaHome();
const instanceDir = join(home.dir, name);
const BOOT_MS = 10 * 60_000;
const scratch = mkdtempSync(join(tmpdir(), "nixlima-lifecycle-"));
// Every nixlima call runs with this real agent in SSH_AUTH_SOCK, as a developer's terminal does.
let sshAgent: TestSshAgent;

/** A project template as a file, with only the image (and TCG-lean resources) swapped for the test guest. */
function testTemplate(template: "minimal" | "dev" | "agent"): string {
  const path = join(scratch, `${template}.yaml`);
  writeFileSync(path, stringify(testVmConfig(parse(readFileSync(join(repoRoot, "templates", `${template}.yaml`), "utf8")))));
  return path;
}

/** The CLI from source, as a terminal user runs it (stdin closed, stderr not a terminal). */
function nixlima(args: string[], timeoutMs = 120_000) {
  return execa(process.execPath, ["--import", "tsx", "helper/src/main.ts", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...limaEnv(home.dir), NIXLIMA_LIMACTL: limactlPath, SSH_AUTH_SOCK: sshAgent.socket },
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: timeoutMs,
  });
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`lifecycle: ${label} took ${secondsSince(start)} s`);
  return result;
}

interface ListedVm {
  name: string;
  status: string;
  sshLocalPort?: number;
}

async function listed(): Promise<ListedVm | undefined> {
  const r = await nixlima(["list", "--json"]);
  assert.equal(r.exitCode, 0, r.stderr);
  return (JSON.parse(r.stdout) as ListedVm[]).find((vm) => vm.name === name);
}

/** Succeeds, or fails with the CLI's own output plus the guest's serial and host-agent logs. */
function assertOk(r: { exitCode?: number; stdout: string; stderr: string }, what: string): void {
  if (r.exitCode === 0) return;
  assert.fail(`${what} exited ${r.exitCode}\n${r.stderr}\n${r.stdout}\n${instanceLogTail(home.dir, name)}`);
}

/** Every `expected` stage appears on stderr, in this order (other lines may come between). */
function assertStagesInOrder(stderr: string, expected: RegExp[]): void {
  const lines = stderr.split("\n");
  let at = 0;
  for (const stage of expected) {
    const found = lines.findIndex((line, i) => i >= at && stage.test(line));
    assert.ok(found >= 0, `stage ${stage} missing (or out of order) in:\n${stderr}`);
    at = found + 1;
  }
}

const bootStages = [
  /^Starting the VM/,
  /^Booting \[/,
  /^Booting: waiting for SSH/,
  /^Booting \(1 of \d+\): done/,
  /^Guest agent running/,
  // No "Finishing" stage: its lines come from the host agent's log, which limactl tails, and
  // limactl exits on READY without reading the rest of that log (CI once lost the ": done").
  /^Running \[100%\]/,
];

async function bootWithCli(label: string): Promise<number> {
  const r = await timed(label, () => nixlima(["start", name], BOOT_MS));
  assertOk(r, "nixlima start");
  assertStagesInOrder(r.stderr, bootStages);
  assert.equal(r.stdout, `${name} is running.`);
  const vm = await listed();
  assert.equal(vm?.status, "Running");
  assert.ok(vm.sshLocalPort !== undefined && vm.sshLocalPort > 0, `no SSH port: ${JSON.stringify(vm)}`);
  const shell = await timed("shell -- uname -a", () => nixlima(["shell", name, "--", "uname", "-a"]));
  assertOk(shell, "nixlima shell");
  assert.match(shell.stdout, new RegExp(`^Linux lima-${name} \\S+ .* x86_64 GNU/Linux$`, "m"));
  // The agent template does not forward the caller's ssh agent: ssh-add finds no agent (exit 2).
  const agents = await nixlima(["shell", name, "--", "ssh-add", "-l"]);
  assert.equal(agents.exitCode, 2, `the agent sandbox reached the host's ssh agent:\n${agents.stdout}${agents.stderr}`);
  return vm.sshLocalPort;
}

/** A zombie (killed, not yet reaped by its new parent) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3));
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `ms` pass (processes and pid files settle within moments). */
async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    if (check()) return true;
  }
  return check();
}

function pidFile(file: string): number {
  return Number(readFileSync(join(instanceDir, file), "utf8").trim());
}

async function assertNothingRunning(pids: number[]): Promise<void> {
  for (const pid of pids) assert.ok(await eventually(() => !alive(pid)), `process ${pid} of the VM is still running`);
  for (const file of ["ha.pid", "qemu.pid"]) assert.equal(existsSync(join(instanceDir, file)), false, `${file} left behind`);
}

before(async () => {
  sshAgent = await startSshAgent(scratch);
  const created = await timed("create (agent template)", () => nixlima(["create", name, "--template", testTemplate("agent")]));
  assertOk(created, "nixlima create");
});

after(async () => {
  for (const vm of [name, "e2e-minimal", "e2e-dev"]) await destroyInstance(home.dir, vm);
  await sshAgent?.stop();
  home.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

test("start shows Lima's stages in order, then list, shell, stop and a second start work", { timeout: 3 * BOOT_MS }, async () => {
  const firstPort = await bootWithCli("start to READY");

  const stop = await timed("stop", () => nixlima(["stop", name], 8 * 60_000));
  assertOk(stop, "nixlima stop");
  assertStagesInOrder(stop.stderr, [/^Stopping/, /^Stopped/]);
  assert.equal((await listed())?.status, "Stopped");

  const secondPort = await bootWithCli("second start to READY");
  console.log(`lifecycle: SSH port ${firstPort} on the first start, ${secondPort} on the second`);
});

test("a VM whose QEMU died while its host agent hangs is Broken, and stop --force clears it", { timeout: 5 * 60_000 }, async () => {
  assert.equal((await listed())?.status, "Running", "this test needs the VM the previous test left running");
  const haPid = pidFile("ha.pid");
  const qemuPid = pidFile("qemu.pid");
  // A healthy host agent notices QEMU's death and cleans up within a second (the VM is then just
  // Stopped); freezing it first keeps the half-dead state that users see as Broken.
  process.kill(haPid, "SIGSTOP");
  process.kill(qemuPid, "SIGKILL");
  assert.equal((await listed())?.status, "Broken");

  const stop = await timed("stop --force of a Broken VM", () => nixlima(["stop", name, "--force"]));
  assertOk(stop, "nixlima stop --force");
  assert.equal((await listed())?.status, "Stopped");
  await assertNothingRunning([haPid, qemuPid]);
});

test("cancelling a start (SIGINT to nixlima) stops the VM again and leaves nothing running", { timeout: BOOT_MS }, async () => {
  const started = performance.now();
  const start = nixlima(["start", name], BOOT_MS);
  let pids: number[] = [];
  // Cancel once QEMU is really up: the hard case, where killing `limactl start` alone would
  // leave the host agent and the VM running.
  for await (const line of start.iterable({ from: "stderr" })) {
    // QEMU writes its pid file a moment after Lima reports the SSH port.
    if (pids.length === 0 && /^Booting \(1 of \d+\): waiting for SSH/.test(line) && (await eventually(() => existsSync(join(instanceDir, "qemu.pid"))))) {
      pids = [pidFile("ha.pid"), pidFile("qemu.pid")];
      start.kill("SIGINT");
    }
  }
  const r = await start;
  console.log(`lifecycle: start then cancel took ${secondsSince(started)} s`);
  assert.equal(pids.length, 2, `never saw QEMU running:\n${r.stderr}`);
  assert.equal(r.exitCode, 1, `a cancelled start must fail:\n${r.stderr}`);
  assert.match(r.stderr, /Stopping after cancel/);
  assert.equal((await listed())?.status, "Stopped");
  await assertNothingRunning(pids);
});

test("delete removes the VM", async () => {
  const del = await timed("delete", () => nixlima(["delete", name]));
  assertOk(del, "nixlima delete");
  assert.equal(await listed(), undefined);
  assert.equal(existsSync(instanceDir), false);
});

test("the minimal and dev templates boot too; dev's project folder is writable from the guest", { timeout: 2 * BOOT_MS }, async () => {
  const project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(join(project, "from-host.txt"), "host\n");
  for (const [template, vm, extra] of [
    ["minimal", "e2e-minimal", []],
    ["dev", "e2e-dev", ["--mount", `${project}:w`]],
  ] as const) {
    const created = await timed(`create --start (${template})`, () => nixlima(["create", vm, "--template", testTemplate(template), ...extra, "--start"], BOOT_MS));
    if (created.exitCode !== 0) assert.fail(`${template}: ${created.stderr}\n${instanceLogTail(home.dir, vm)}`);
    const shell = await nixlima(["shell", vm, "--", "uname", "-n"]);
    assertOk(shell, `nixlima shell ${vm}`);
    assert.equal(shell.stdout.trim(), `lima-${vm}`);
    if (template === "dev") {
      const edit = await nixlima(["shell", vm, "--", "sh", "-c", `cat ${project}/from-host.txt && echo guest > ${project}/from-guest.txt`]);
      assertOk(edit, "writing through the dev project mount");
      assert.equal(edit.stdout.trim(), "host");
      assert.equal(readFileSync(join(project, "from-guest.txt"), "utf8"), "guest\n");
      // Agent forwarding: the caller's key, both in a shell and at Lima's fixed socket path.
      const agents = await nixlima(["shell", vm, "--", "sh", "-c", "ssh-add -l && SSH_AUTH_SOCK=/run/host-services/ssh-auth.sock ssh-add -l"]);
      assertOk(agents, "ssh-add -l through the dev VM's forwarded agent");
      assert.equal(agents.stdout.split("\n").filter((line) => line.includes(sshAgent.fingerprint)).length, 2, agents.stdout);
    }
    const del = await timed(`delete --force (${template})`, () => nixlima(["delete", vm, "--force"]));
    assertOk(del, `nixlima delete ${vm}`);
  }
});
