// The `nixlima` command end to end: the real bundle (built by scripts/build.mjs into a temporary
// folder) spawned as a process, the real limactl (behind a wrapper that counts its processes),
// a temporary LIMA_HOME with dummy instances.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { execa } from "execa";
import { z } from "zod";
import { DoctorCheck, Vm } from "../../src/protocol";
import { qemuEnv, repoRoot, tempLimaHome } from "../../../test/support/lima";
import { countingLimactl, DUMMY_YAML } from "../lima/support/countingLimactl";

const home = tempLimaHome();
const bin = tempLimaHome();
after(() => {
  home.dispose();
  bin.dispose();
});
const limactl = countingLimactl(bin.dir);
const built = tempLimaHome();
after(() => built.dispose());
const entry = join(built.dir, "helper.js");
before(async () => {
  await execa(process.execPath, ["scripts/build.mjs", "--outdir", built.dir], { cwd: repoRoot });
});
const pkgVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

function nixlima(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa(process.execPath, [entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...qemuEnv, LIMA_HOME: home.dir, NIXLIMA_LIMACTL: limactl.path, ...env },
    reject: false,
    stdin: "ignore",
  });
}

function createDummy(name: string) {
  return execa(limactl.path, ["--tty=false", "create", "--name", name, "-"], {
    env: { ...process.env, LIMA_HOME: home.dir },
    input: DUMMY_YAML,
  });
}

test("--help lists every command; no command is a usage error; --version prints the version", async () => {
  const help = await nixlima(["--help"]);
  assert.equal(help.exitCode, 0);
  for (const c of ["list", "start", "stop", "restart", "delete", "shell", "doctor"]) assert.match(help.stdout, new RegExp(`^  ${c} `, "m"));
  assert.equal((await nixlima([])).exitCode, 2);
  const unknown = await nixlima(["frobnicate"]);
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /^nixlima: unknown command "frobnicate"\.\nhint: /);
  const v = await nixlima(["--version"]);
  assert.equal(v.stdout, `nixlima ${pkgVersion}`);
});

test("COMMAND --help prints that command's usage; after -- it belongs to the guest command", async () => {
  for (const c of ["list", "create", "ssh-config", "dispatch"]) {
    const r = await nixlima([c, "--help"]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^usage: nixlima ${c}`));
  }
  // `shell NAME -- cmd --help` is a shell command, not a request for help: it reaches the VM check.
  const shell = await nixlima(["shell", "nosuchvm", "--", "ls", "--help"]);
  assert.equal(shell.exitCode, 1);
  assert.doesNotMatch(shell.stdout, /^usage:/);
  const extra = await nixlima(["list", "extra"]);
  assert.equal(extra.exitCode, 2);
  assert.match(extra.stderr, /^nixlima: Unexpected argument "extra"\.\nusage: nixlima list/);
});

test("list --json of an empty LIMA_HOME is []", async () => {
  const r = await nixlima(["list", "--json"]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test("list --json parses against the protocol schema, broken VMs included; the table shows them", async () => {
  await createDummy("c1");
  mkdirSync(join(home.dir, "c0broken"));
  const r = await nixlima(["list", "--json"]);
  assert.equal(r.exitCode, 0, r.stderr);
  const vms = z.array(Vm).parse(JSON.parse(r.stdout));
  const mine = vms.filter((v) => ["c0broken", "c1"].includes(v.name));
  assert.deepEqual(mine.map((v) => [v.name, v.status]), [["c0broken", "Broken"], ["c1", "Stopped"]]);
  const table = await nixlima(["list"]);
  assert.equal(table.exitCode, 0);
  assert.match(table.stdout, /^NAME +STATUS/);
  assert.match(table.stdout, /^c1 +Stopped +2 +4 GiB +1 MiB +x86_64 +qemu/m);
  assert.match(table.stdout, /^c0broken: open .*lima\.yaml: no such file or directory$/m);
});

test("a bad name exits 2 with one sentence and a hint, and starts no limactl process", async () => {
  const before = limactl.calls().length;
  for (const args of [["start", "a..b"], ["stop", "../x"], ["restart", "a b"], ["delete", "--force", "x".repeat(77)], ["shell", "a_", "--", "true"]]) {
    const r = await nixlima(args);
    assert.equal(r.exitCode, 2, args.join(" "));
    assert.match(r.stderr, /^nixlima: .*(not a valid VM name|at most 76)[^\n]*\nhint: .+\n?$/, r.stderr);
    assert.equal(r.stdout, "");
  }
  assert.equal(limactl.calls().length, before);
});

test("usage errors exit 2 and show the usage", async () => {
  const missing = await nixlima(["stop"]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /nixlima: Missing the VM name\.\nusage: nixlima stop NAME \[--force\]/);
  const bogus = await nixlima(["list", "--bogus"]);
  assert.equal(bogus.exitCode, 2);
  assert.match(bogus.stderr, /^nixlima: Unknown option '--bogus'\.\nusage: /);
});

test("a VM that does not exist: exit 1, a clear message, and start creates nothing", async () => {
  for (const cmd of ["start", "stop", "restart", "delete", "shell"]) {
    const r = await nixlima([cmd, "ghost"]);
    assert.equal(r.exitCode, 1, cmd);
    assert.match(r.stderr, /nixlima: There is no VM named `ghost`\.\nhint: Run `nixlima list`/, cmd);
  }
  assert.equal(existsSync(join(home.dir, "ghost")), false);
});

test("start of a dummy: progress lines on stderr, then Lima's reason in one line, exit 1", async () => {
  await createDummy("c2");
  const r = await nixlima(["start", "c2"]);
  assert.equal(r.exitCode, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^\$ .*limactl --tty=false --log-format json start c2$/m);
  assert.match(r.stderr, /^Starting the VM \[5%\]$/m);
  assert.match(r.stderr, /^nixlima: VM `c2` failed to start: [^\n]+\nhint: See .*ha\.stderr\.log\.$/m);
  assert.doesNotMatch(r.stderr, /status=\{|\x1b\[/);
});

test("shell on a stopped VM says so; stop of a stopped VM fails; stop --force works", async () => {
  await createDummy("c3");
  const shell = await nixlima(["shell", "c3", "--", "true"]);
  assert.equal(shell.exitCode, 1);
  assert.match(shell.stderr, /nixlima: VM `c3` is not running \(Stopped\)\.\nhint: Start it with `nixlima start c3`/);
  const stop = await nixlima(["stop", "c3"]);
  assert.equal(stop.exitCode, 1);
  assert.match(stop.stderr, /nixlima: expected status `Running`, got `Stopped`/);
  const force = await nixlima(["stop", "--force", "c3"]);
  assert.equal(force.exitCode, 0, force.stderr);
  assert.equal(force.stdout, "c3 is stopped.\n".trimEnd());
});

test("delete of a protected VM is refused; after unprotect it is deleted", async () => {
  await createDummy("c4");
  await execa(limactl.path, ["protect", "c4"], { env: { ...process.env, LIMA_HOME: home.dir } });
  const refused = await nixlima(["delete", "--force", "c4"]);
  assert.equal(refused.exitCode, 1);
  assert.match(refused.stderr, /nixlima: failed to delete instance `c4`: instance is protected[^\n]*\nhint: Run `nixlima unprotect c4` \(or `limactl unprotect c4`\)/);
  assert.ok(existsSync(join(home.dir, "c4", "lima.yaml")));
  await execa(limactl.path, ["unprotect", "c4"], { env: { ...process.env, LIMA_HOME: home.dir } });
  const deleted = await nixlima(["delete", "c4"]);
  assert.equal(deleted.exitCode, 0, deleted.stderr);
  assert.equal(deleted.stdout, "c4 is deleted.");
  assert.equal(existsSync(join(home.dir, "c4")), false);
});

const DoctorJson = z.object({ ok: z.boolean(), checks: z.array(DoctorCheck) });

test("doctor --json: limactl found with its version, not root", async () => {
  const r = await nixlima(["doctor", "--json"]);
  const report = DoctorJson.parse(JSON.parse(r.stdout));
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  const root = process.getuid!() === 0;
  assert.equal(byId.get("not-root")!.ok, !root);
  if (!root) {
    assert.equal(r.exitCode, 0);
    assert.equal(report.ok, true);
    assert.match(byId.get("limactl")!.detail, /2\.2\.0/);
  } else {
    assert.equal(r.exitCode, 1);
  }
});

test("doctor and list without limactl: exit 1 with the install hint", async () => {
  const doctor = await nixlima(["doctor", "--json"], { NIXLIMA_LIMACTL: "", PATH: "" });
  assert.equal(doctor.exitCode, 1);
  const check = DoctorJson.parse(JSON.parse(doctor.stdout)).checks.find((c) => c.id === "limactl")!;
  assert.equal(check.ok, false);
  assert.match(check.fix!, /Install Lima 2\.0\.0 or newer/);
  const list = await nixlima(["list"], { NIXLIMA_LIMACTL: "/nonexistent/limactl" });
  assert.equal(list.exitCode, 1);
  assert.match(list.stderr, /^nixlima: The configured limactl path \/nonexistent\/limactl is not an executable file\.\nhint: /);
});
