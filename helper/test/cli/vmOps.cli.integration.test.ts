// `nixlima clone|rename|resize|protect|unprotect|snapshot|autostart` end to end: the real bundle
// as a process, the real limactl, never-booted fixture VMs in a temporary LIMA_HOME.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { execa } from "execa";
import { z } from "zod";
import { Vm } from "../../src/protocol";
import { qemuEnv, repoRoot, tempLimaHome } from "../../../test/support/lima";
import { countingLimactl, DUMMY_YAML } from "../lima/support/countingLimactl";

const home = tempLimaHome();
const bin = tempLimaHome();
const built = tempLimaHome();
const xdg = tempLimaHome(); // a scratch XDG_CONFIG_HOME: nothing touches the real user's units
after(() => [home, bin, built, xdg].forEach((d) => d.dispose()));
const limactl = countingLimactl(bin.dir);
const entry = join(built.dir, "helper.js");
before(async () => {
  await execa(process.execPath, ["scripts/build.mjs", "--outdir", built.dir], { cwd: repoRoot });
});

function nixlima(args: string[]) {
  return execa(process.execPath, [entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...qemuEnv, LIMA_HOME: home.dir, NIXLIMA_LIMACTL: limactl.path, XDG_CONFIG_HOME: xdg.dir },
    reject: false,
    stdin: "ignore",
  });
}

function createDummy(name: string) {
  return execa(limactl.path, ["--tty=false", "create", "--name", name, "-"], { env: { ...process.env, LIMA_HOME: home.dir }, input: DUMMY_YAML });
}

async function listed(): Promise<Vm[]> {
  return z.array(Vm).parse(JSON.parse((await nixlima(["list", "--json"])).stdout));
}

test("--help lists the new commands", async () => {
  const help = await nixlima(["--help"]);
  for (const c of ["clone", "rename", "resize", "protect", "unprotect", "snapshot", "fork", "autostart"]) {
    assert.match(help.stdout, new RegExp(`^  ${c} `, "m"), c);
  }
});

test("clone, rename and resize of a stopped VM, each with one sentence on stdout", async () => {
  await createDummy("cli1");
  const c = await nixlima(["clone", "cli1", "cli1-copy"]);
  assert.equal(c.exitCode, 0, c.stderr);
  assert.equal(c.stdout, "Cloned `cli1` into `cli1-copy`. Start it with `nixlima start cli1-copy`.");
  const r = await nixlima(["rename", "cli1-copy", "cli1-b"]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^Renamed `cli1-copy` to `cli1-b`; its ssh host is now lima-cli1-b\.$/);
  const z1 = await nixlima(["resize", "cli1-b", "--preset", "light", "--cpus", "3"]);
  assert.equal(z1.exitCode, 0, z1.stderr);
  const vm = (await listed()).find((v) => v.name === "cli1-b")!;
  assert.equal(vm.cpus, 3);
  assert.equal(vm.memoryBytes, 4 * 1024 ** 3);
  assert.equal(vm.diskBytes, 20 * 1024 ** 3);
  assert.deepEqual((await listed()).map((v) => v.name).filter((n) => n.startsWith("cli1")).sort(), ["cli1", "cli1-b"]);
});

test("usage errors exit 2 before limactl runs; a taken name exits 1", async () => {
  await createDummy("cli2");
  const calls = limactl.calls().length;
  for (const args of [["clone", "cli2"], ["clone", "cli2", "a b"], ["rename"], ["resize", "cli2", "--cpus", "two"], ["resize", "cli2", "--preset", "huge"], ["snapshot", "make", "cli2", "t"], ["snapshot", "create", "cli2", "bad tag"], ["autostart", "maybe", "cli2"]]) {
    const r = await nixlima(args);
    assert.equal(r.exitCode, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^nixlima: .+\n/, args.join(" "));
  }
  assert.equal(limactl.calls().length, calls, "no limactl process for a usage error");
  assert.match((await nixlima(["resize", "cli2", "--cpus", "two"])).stderr, /^nixlima: The number of CPUs must be a number\.$/m);
  assert.match((await nixlima(["resize", "cli2", "--cpus", "0"])).stderr, /^nixlima: The number of CPUs must be a positive whole number\.$/m);
  const taken = await nixlima(["clone", "cli2", "cli2"]);
  assert.equal(taken.exitCode, 1);
  assert.match(taken.stderr, /^nixlima: A VM named `cli2` already exists\.$/m);
});

test("protect: delete is refused and says how to unprotect; unprotect lets it go", async () => {
  await createDummy("cli3");
  assert.equal((await nixlima(["protect", "cli3"])).exitCode, 0);
  assert.equal((await listed()).find((v) => v.name === "cli3")?.protected, true);
  const del = await nixlima(["delete", "cli3"]);
  assert.equal(del.exitCode, 1);
  assert.match(del.stderr, /^hint: Run `nixlima unprotect cli3`/m);
  assert.equal((await nixlima(["unprotect", "cli3"])).exitCode, 0);
  assert.equal((await nixlima(["delete", "cli3"])).exitCode, 0);
});

test("autostart list and list --json read the unit Lima writes on Linux, under XDG_CONFIG_HOME", async () => {
  await createDummy("cli4");
  await createDummy("cli4-no-unit");
  assert.equal((await nixlima(["autostart", "list"])).stdout, "No VM starts at login.");
  // The unit as Lima 2.2 names it (pkg/autostart/systemd: lima-vm@NAME.service); Lima's own
  // `autostart enable` needs a running systemd, which this machine has not.
  const units = join(xdg.dir, "systemd", "user");
  mkdirSync(units, { recursive: true });
  writeFileSync(join(units, "lima-vm@cli4.service"), "[Service]\n");
  assert.equal((await nixlima(["autostart", "list", "--json"])).stdout, '["cli4"]');
  const vms = await listed();
  assert.equal(vms.find((v) => v.name === "cli4")?.startsAtLogin, true);
  const without = vms.find((v) => v.name === "cli4-no-unit");
  assert.ok(without, "the VM without a unit is listed");
  assert.equal(without.startsAtLogin, undefined, "a VM without a unit does not start at login");
});
