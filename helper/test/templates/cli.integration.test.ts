// `nixlima templates` and `nixlima create` end to end: the real bundle (built into a temporary
// folder laid out like the .vsix: dist/helper.js beside templates/), the real limactl behind a
// wrapper that records its calls, a temporary LIMA_HOME.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { execa } from "execa";
import { z } from "zod";
import { TemplateInfo, Vm } from "../../src/protocol";
import { countingLimactl } from "../lima/support/countingLimactl";
import { qemuEnv, repoRoot, tempLimaHome } from "../../../test/support/lima";
import { startStallingImageServer } from "../../../test/support/stallingImageServer";

const home = tempLimaHome();
const side = tempLimaHome();
after(() => {
  home.dispose();
  side.dispose();
});
const limactl = countingLimactl(side.dir);
const bundle = join(side.dir, "ext");
const entry = join(bundle, "dist", "helper.js");
const projectA = join(side.dir, "a");
const projectB = join(side.dir, "b");
mkdirSync(projectA);
mkdirSync(projectB);
before(async () => {
  await execa(process.execPath, ["scripts/build.mjs", "--outdir", join(bundle, "dist")], { cwd: repoRoot });
  symlinkSync(join(repoRoot, "templates"), join(bundle, "templates"));
});

function nixlima(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...qemuEnv, LIMA_HOME: home.dir, NIXLIMA_LIMACTL: limactl.path, XDG_CACHE_HOME: join(side.dir, "cache") };
  delete env.NIXLIMA_TEMPLATES;
  return execa(process.execPath, [entry, ...args], { cwd: side.dir, env, reject: false, stdin: "ignore" });
}

const listed = async () => z.array(Vm).parse(JSON.parse((await nixlima(["list", "--json"])).stdout));

test("--help lists templates and create", async () => {
  const help = await nixlima(["--help"]);
  assert.match(help.stdout, /^ {2}templates /m);
  assert.match(help.stdout, /^ {2}create /m);
  const usage = await nixlima(["create", "--help"]);
  assert.equal(usage.exitCode, 0);
  assert.match(usage.stdout, /^usage: nixlima create NAME --template minimal\|dev\|agent\|PATH/);
});

test("templates --json: the bundled templates found beside the bundle, as protocol TemplateInfo", async () => {
  const r = await nixlima(["templates", "--json"]);
  assert.equal(r.exitCode, 0, r.stderr);
  const templates = z.array(TemplateInfo).parse(JSON.parse(r.stdout));
  assert.deepEqual(templates.map((t) => t.name), ["minimal", "dev", "agent"]);
  for (const t of templates) assert.equal(t.path, join(bundle, "templates", `${t.name}.yaml`), "dist/helper.js finds dist/../templates");
  assert.deepEqual(templates.find((t) => t.name === "dev"), {
    name: "dev",
    description: "A persistent NixOS development VM beside your host.",
    path: join(bundle, "templates", "dev.yaml"),
    cpus: 4,
    memoryGiB: 8,
    diskGiB: 50,
  });
  const table = await nixlima(["templates"]);
  assert.match(table.stdout, /^NAME +CPUS +MEMORY +DISK +DESCRIPTION$/m);
  assert.match(table.stdout, /^agent +4 +6 GiB +30 GiB +An isolated sandbox/m);
});

test("create makes a real instance that list --json shows with the asked cpus, memory, disk and mounts", async () => {
  const r = await nixlima([
    "create", "c1", "--template", "agent", "--preset", "light", "--cpus", "3", "--memory", "0.5", "--disk", "0.001",
    "--mount", `${projectA}:w`, "--mount", projectB, "--image", "/etc/profile", "--json",
  ]);
  assert.equal(r.exitCode, 0, r.stderr);
  const printed = Vm.parse(JSON.parse(r.stdout));
  assert.equal(printed.name, "c1");
  assert.match(r.stderr, /\$ .*limactl .*create --name c1 -/);
  const vm = (await listed()).find((v) => v.name === "c1");
  assert.deepEqual(
    vm && { status: vm.status, cpus: vm.cpus, memory: vm.memoryBytes, disk: vm.diskBytes, mounts: vm.mounts },
    {
      status: "Stopped",
      cpus: 3,
      memory: 512 * 1024 ** 2,
      disk: Math.floor(0.001 * 1024 ** 3),
      mounts: [
        { location: projectA, mountPoint: projectA, writable: true },
        { location: projectB, mountPoint: projectB, writable: false },
      ],
    },
  );
  assert.deepEqual(printed, vm, "--json prints the same Vm as list --json");
});

test("a preset sets all three resources; the text output says how to start", async () => {
  const r = await nixlima(["create", "c2", "--template", "minimal", "--preset", "heavy", "--image", "/etc/profile"]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, "Created VM `c2`. Start it with `nixlima start c2`.");
  const vm = (await listed()).find((v) => v.name === "c2");
  assert.deepEqual([vm?.cpus, vm?.memoryBytes, vm?.diskBytes], [6, 8 * 1024 ** 3, 50 * 1024 ** 3]);
});

test("usage errors exit 2 and start no limactl process; other bad input exits 1 before limactl create", async () => {
  const calls = limactl.calls().length;
  for (const args of [
    ["create", "a..b", "--template", "minimal"],
    ["create", "x"],
    ["create", "x", "--template", "minimal", "--preset", "huge"],
    ["create", "x", "y", "--template", "minimal"],
    ["create", "x", "--template", "minimal", "--frobnicate"],
  ]) {
    const r = await nixlima(args);
    assert.equal(r.exitCode, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^nixlima: [^\n]+\n/);
  }
  assert.equal(limactl.calls().length, calls, "no limactl process for a usage error");

  const creates = () => limactl.calls().filter((a) => a.includes("create")).length;
  const before = creates();
  const cases: [string[], RegExp][] = [
    [["create", "x", "--template", "nope"], /^nixlima: There is no template named "nope"; the templates are minimal, dev, agent\.\nhint: /],
    [["create", "x", "--template", "minimal", "--image", "./missing.qcow2"], new RegExp(`^nixlima: The image ${side.dir}/missing\\.qcow2 does not exist\\.\\n`)],
    [["create", "c1", "--template", "minimal", "--image", "/etc/profile"], /^nixlima: A VM named `c1` already exists\./],
    [["create", "x", "--template", "dev", "--mount", "./nowhere:w"], /^nixlima: The folder .*nowhere to mount does not exist\./],
    [["create", "x", "--template", "dev", "--mount", "~:w", "--image", "/etc/profile"], /home folder.*\nhint: .*--allow-home-write/],
    [["create", "x", "--template", "minimal", "--cpus", "two"], /^nixlima: The number of CPUs must be a number\./],
  ];
  for (const [args, message] of cases) {
    const r = await nixlima(args);
    assert.notEqual(r.exitCode, 0, args.join(" "));
    assert.match(r.stderr.replace(/^(Checking the template|Validating).*\n/gm, "").replace(/^\$ .*\n/gm, ""), message, args.join(" "));
    assert.equal(existsSync(join(home.dir, "x")), false);
  }
  assert.equal(creates(), before, "no limactl create ran");
});

test("--allow-home-write lets a writable home mount through", async () => {
  const r = await nixlima(["create", "h1", "--template", "dev", "--mount", "~:w", "--image", "/etc/profile", "--disk", "0.001", "--allow-home-write", "--json"]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.deepEqual(Vm.parse(JSON.parse(r.stdout)).mounts, [{ location: homedir(), mountPoint: homedir(), writable: true }]);
});

test("Ctrl-C during create cancels it, exits 1 and leaves no instance", async () => {
  const server = await startStallingImageServer();
  try {
    const url = server.url;
    const child = nixlima(["create", "int1", "--template", "minimal", "--image", url, "--disk", "0.001"]);
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no download stage: ${stderr}`)), 30_000);
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/Downloading the image/.test(stderr) && existsSync(join(home.dir, "int1", "lima.yaml"))) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGINT");
    const r = await child;
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stderr, /^nixlima: `limactl create --name int1 -` was cancelled\.$/m);
    assert.equal(existsSync(join(home.dir, "int1")), false, "no half-made instance");
  } finally {
    server.close();
  }
});
