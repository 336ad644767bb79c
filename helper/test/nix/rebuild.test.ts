import { test } from "node:test";
import assert from "node:assert/strict";
import { NixlimaError } from "../../src/errors";
import { Limactl } from "../../src/lima/limactl";
import { checkFlakeRef } from "../../src/shared/flakeRefRule";
import { defaultRebuildRef, rebuildArgs, rebuildVm, RebuildProgress, templateOfLimaYaml } from "../../src/nix/rebuild";
import type { Progress } from "../../src/protocol";
import { createDummy } from "../../../test/support/dummies";
import { limactlPath, tempLimaHome } from "../../../test/support/lima";

test("the rebuild runs nixos-rebuild switch with sudo -n through limactl shell, from /", () => {
  assert.deepEqual(rebuildArgs("dev-1", "/home/me.linux/project#dev-aarch64"), [
    "shell",
    "--workdir",
    "/",
    "dev-1",
    "--",
    "sudo",
    "-n",
    "nixos-rebuild",
    "switch",
    "--flake",
    "/home/me.linux/project#dev-aarch64",
  ]);
});

test("boot mode runs nixos-rebuild boot (the restart into it is the job's next step)", () => {
  assert.deepEqual(rebuildArgs("dev-1", "/p#dev-aarch64", "boot").slice(-4), ["nixos-rebuild", "boot", "--flake", "/p#dev-aarch64"]);
});

test("flake references: paths and URLs pass; options, spaces and shell characters are refused", () => {
  for (const ok of ["/mnt/project#dev-x86_64", "github:me/vms?ref=main#agent-aarch64", "path:/etc/nixos", ".#dev", "git+https://example.org/r.git#x"]) {
    assert.doesNotThrow(() => checkFlakeRef(ok), ok);
  }
  for (const bad of ["", "--option", "-L", "/a b#c", "/x#y;reboot", "$(id)", "/x`id`", "/x\n#y", "'/x'"]) {
    assert.throws(() => checkFlakeRef(bad), (e: unknown) => e instanceof NixlimaError && e.code === "usage", JSON.stringify(bad));
  }
  assert.throws(() => rebuildArgs("bad name", "/x#y"), /name/);
});

test("the default reference: the project mount point, then the template and architecture", () => {
  const mounts = [
    { location: "/Users/me", mountPoint: "/Users/me", writable: false },
    { location: "/Users/me/src/app", mountPoint: "/home/me.linux/app", writable: true },
  ];
  assert.equal(defaultRebuildRef({ mounts, arch: "aarch64" }, "agent", "/Users/me"), "/home/me.linux/app#agent-aarch64");
  assert.equal(defaultRebuildRef({ mounts: [], arch: "x86_64" }, undefined, "/Users/me"), "/etc/nixos#dev-x86_64");
  assert.equal(templateOfLimaYaml('# nixlima template "agent": an isolated sandbox\nimages: []\n'), "agent");
  assert.equal(templateOfLimaYaml("# a Lima template of someone else's\nimages: []\n"), undefined);
  assert.equal(templateOfLimaYaml('images: []\n\n\n\n\n# nixlima template "dev"\n'), undefined, "only the header counts");
});

// What nixos-rebuild-ng prints for a switch that builds two derivations (as seen on NixOS 25.11).
const switchOutput = [
  "building the system configuration...",
  "these 2 derivations will be built:",
  "  /nix/store/0a7l5kbcn7w0sqf3b2dmkmgjfhz5gcz8-etc.drv",
  "  /nix/store/1b4i3g6cmwbvnk8wq4mxg4ahlhd5qxa2-nixos-system-dev-25.11.drv",
  "copying path '/nix/store/9x1m0kq7yl8c4f2iv5p6a3vsh1dj0r9z-git-2.51.2' from 'https://cache.nixos.org'...",
  "building '/nix/store/0a7l5kbcn7w0sqf3b2dmkmgjfhz5gcz8-etc.drv'...",
  "building '/nix/store/1b4i3g6cmwbvnk8wq4mxg4ahlhd5qxa2-nixos-system-dev-25.11.drv'...",
  "Checking switch inhibitors... done",
  "activating the configuration...",
  "setting up /etc...",
  "reloading user units for me...",
  "restarting sysinit-reactivation.target",
  "the following new units were started: NetworkManager-dispatcher.service",
  "Done. The new configuration is /nix/store/p3q744b7fnvnyigaxksfypsxx8q86lgb-nixos-system-dev-25.11",
];

test("stages follow nixos-rebuild's output in order, with build counts and the new system", () => {
  // "Done." comes on stdout, which may overtake stderr: it names the result but is not the end.
  const early = new RebuildProgress();
  assert.equal(early.feed(switchOutput.at(-1)!), undefined);
  const model = new RebuildProgress();
  const seen: Progress[] = [];
  for (const line of switchOutput) {
    const p = model.feed(line);
    if (p) seen.push(p);
  }
  seen.push(model.finish()); // the process exited 0
  const stages = seen.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
  assert.deepEqual(stages, ["building", "installing boot loader", "activating", "switching", "done"]);
  assert.ok(seen.some((p) => p.message === "fetching git-2.51.2 · 0/2 built"), JSON.stringify(seen));
  assert.ok(seen.some((p) => p.message === "building nixos-system-dev-25.11 · 1/2 built"), JSON.stringify(seen));
  const fractions = seen.map((p) => p.fraction ?? 0);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), `fractions went back: ${fractions}`);
  assert.equal(model.result, "/nix/store/p3q744b7fnvnyigaxksfypsxx8q86lgb-nixos-system-dev-25.11");
  assert.deepEqual(seen.at(-1), { stage: "done", message: `switched to ${model.result}`, fraction: 1 });
});

test("failed units are collected, and the old shell nixos-rebuild (no Done line) still finishes", () => {
  const model = new RebuildProgress();
  for (const line of ["building the system configuration...", "activating the configuration...", "warning: the following units failed: nginx.service, foo.service"]) model.feed(line);
  assert.deepEqual(model.failedUnits, ["nginx.service", "foo.service"]);
  assert.deepEqual(model.finish(), { stage: "done", message: "switched", fraction: 1 });
});

test("a VM that is not running is refused before anything runs in it", async () => {
  const home = tempLimaHome();
  try {
    createDummy(home.dir, "norun");
    const limactl = await Limactl.locate({ path: limactlPath, limaHome: home.dir });
    const logged: string[] = [];
    const reporter = { progress: () => undefined, log: (l: string) => logged.push(l) };
    await assert.rejects(
      rebuildVm(limactl, "norun", "/mnt/x#dev-x86_64", reporter, new AbortController().signal),
      (e: unknown) => e instanceof NixlimaError && e.code === "not-running" && /`norun` is not running; start it/.test(e.message),
    );
    assert.ok(!logged.some((l) => l.includes("nixos-rebuild")), "no shell was started");
    await assert.rejects(
      rebuildVm(limactl, "nosuchvm", "/mnt/x#dev-x86_64", reporter, new AbortController().signal),
      (e: unknown) => e instanceof NixlimaError && e.code === "not-found",
    );
  } finally {
    home.dispose();
  }
});
