import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { tempNix } from "./nixEnv";

const flakeDir = resolve(import.meta.dirname, "../../../nix");

// Even parsing opens Nix's state folder; a throw-away one works for root and other users alike.
const nix = tempNix();
after(() => nix.dispose());
const instantiate = (args: string[]) => execa("nix-instantiate", args, { env: nix.env, reject: false });

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [join(dir, e.name)] : [],
  );
}

test("every .nix file of the flake passes nix-instantiate --parse", async () => {
  const nixFiles = files(flakeDir, ".nix");
  assert.ok(nixFiles.length >= 8, nixFiles.join(" "));
  for (const file of nixFiles) {
    const r = await instantiate(["--parse", file]);
    assert.equal(r.exitCode, 0, `${file}: ${r.stderr}`);
  }
});

test("the test derivations pass nix-instantiate --parse too", async () => {
  const fixtures = files(join(import.meta.dirname, "fixtures"), ".nix");
  assert.ok(fixtures.some((f) => f.endsWith("/drv/many-lines.nix")), `the search found the derivations: ${fixtures.join(" ")}`);
  for (const file of fixtures) {
    const r = await instantiate(["--parse", file]);
    assert.equal(r.exitCode, 0, `${file}: ${r.stderr}`);
  }
});

test("a syntax error is caught by the same check", async () => {
  const r = await instantiate(["--parse", "-E", "{ a = ; }"]);
  assert.notEqual(r.exitCode, 0);
});

test("the guest scripts (lima-init, lima-guestagent) are valid bash", async () => {
  const scripts = files(join(flakeDir, "modules"), ".sh");
  assert.equal(scripts.length, 2, scripts.join(" "));
  for (const script of scripts) {
    const r = await execa("bash", ["-n", script], { reject: false });
    assert.equal(r.exitCode, 0, `${script}: ${r.stderr}`);
  }
});

test("the agent table evaluates and covers every agent in every part", async () => {
  const r = await instantiate(["--eval", "--strict", "--json", join(flakeDir, "lib", "agents.nix")]);
  assert.equal(r.exitCode, 0, r.stderr);
  const agents = JSON.parse(r.stdout) as {
    packages: Record<string, string>;
    unfree: string[];
    autonomousConfig: Record<string, { path: string; text: string }>;
    apiHosts: Record<string, string[]>;
  };
  const names = Object.keys(agents.packages).sort();
  assert.deepEqual(names, ["claude", "codex", "opencode"]);
  assert.deepEqual(Object.keys(agents.autonomousConfig).sort(), names);
  assert.deepEqual(Object.keys(agents.apiHosts).sort(), names);
  assert.deepEqual(agents.unfree, ["claude-code"]);
  assert.equal(JSON.parse(agents.autonomousConfig.claude!.text).permissions.defaultMode, "bypassPermissions");
  assert.match(agents.autonomousConfig.codex!.text, /^approval_policy = "never"$/m);
});

test("flake.lock pins nixpkgs to a NixOS release branch commit, as flake.nix asks", () => {
  const lock = JSON.parse(readFileSync(join(flakeDir, "flake.lock"), "utf8"));
  assert.equal(lock.version, 7);
  const node = lock.nodes[lock.nodes[lock.root].inputs.nixpkgs];
  assert.match(node.locked.rev, /^[0-9a-f]{40}$/);
  assert.match(node.locked.narHash, /^sha256-[A-Za-z0-9+/]{43}=$/);
  assert.match(node.original.ref, /^nixos-\d\d\.\d\d$/);
  const flake = readFileSync(join(flakeDir, "flake.nix"), "utf8");
  assert.ok(flake.includes(`"github:NixOS/nixpkgs/${node.original.ref}"`), "flake.nix and flake.lock name different branches");
});

test("the README's module table lists every option the modules declare", () => {
  const readme = readFileSync(join(flakeDir, "README.md"), "utf8");
  const declared = new Set<string>();
  for (const file of files(join(flakeDir, "modules"), ".nix")) {
    const src = readFileSync(file, "utf8");
    const prefix = /options\.(services\.nixlima\.[\w.]+)/.exec(src)?.[1];
    if (!prefix) continue;
    // `options.X = { a = mkOption …; b.c = mkOption …; }` or `options.X.y = mkOption`.
    if (/options\.services\.nixlima[\w.]* = (lib\.)?mkOption/.test(src)) declared.add(prefix);
    for (const m of src.matchAll(/^ {4}([\w.]+) = mkOption/gm)) declared.add(`${prefix}.${m[1]}`);
  }
  declared.add("services.nixlima.agent.agents.<name>.enable");
  assert.ok(declared.size >= 8, [...declared].join(" "));
  for (const option of declared) assert.ok(readme.includes(`\`${option}\``), `README lacks ${option}`);
});
