// The shipped Lima templates: valid for the real limactl, and true to what each one promises.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { limactlPath, repoRoot } from "../support/lima";

const names = ["minimal", "dev", "agent"] as const;
const path = (name: string) => join(repoRoot, "templates", `${name}.yaml`);
const load = (name: string) => parse(readFileSync(path(name), "utf8"));

test("every template passes limactl validate", () => {
  const r = spawnSync(limactlPath, ["--tty=false", "validate", ...names.map(path)], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  for (const name of names) assert.ok(r.stderr.includes(`\`${path(name)}\`: OK`), `${name} reported OK:\n${r.stderr}`);
});

test("a broken template fails limactl validate (the check can fail)", () => {
  assert.throws(() =>
    execFileSync(limactlPath, ["--tty=false", "validate", "/dev/stdin"], { input: "cpus: -3\nimages: []\n", stdio: ["pipe", "pipe", "pipe"] }),
  );
});

test("NixOS needs: containerd off and the guest's DHCP port 68 ignored, in every template", () => {
  for (const name of names) {
    const t = load(name);
    assert.deepEqual(t.containerd, { system: false, user: false }, name);
    assert.ok(
      t.portForwards.some((p: Record<string, unknown>) => p.guestPort === 68 && p.proto === "udp" && p.ignore === true),
      `${name} ignores UDP 68`,
    );
  }
});

test("each template has an image per architecture with a sha512 digest", () => {
  for (const name of names) {
    const images = load(name).images as { arch: string; digest?: string; location: string }[];
    assert.deepEqual(images.map((i) => i.arch).sort(), ["aarch64", "x86_64"], name);
    for (const i of images) assert.match(i.digest ?? "", /^sha512:[0-9a-f]{128}$/, `${name} ${i.location}`);
  }
});

test("resources follow the presets: minimal 2/4/20, dev 4/8/50, agent 4/6/30", () => {
  const res = (name: string) => {
    const t = load(name);
    return [t.cpus, t.memory, t.disk];
  };
  assert.deepEqual(res("minimal"), [2, "4GiB", "20GiB"]);
  assert.deepEqual(res("dev"), [4, "8GiB", "50GiB"]);
  assert.deepEqual(res("agent"), [4, "6GiB", "30GiB"]);
});

test("the agent sandbox mounts nothing by itself, forwards no SSH agent and loads no ~/.ssh keys", () => {
  const agent = load("agent");
  assert.deepEqual(agent.mounts, []);
  assert.equal(agent.ssh.forwardAgent, false);
  assert.equal(agent.ssh.loadDotSSHPubKeys, false);
  assert.equal(load("minimal").mounts.length, 0);
  assert.equal(load("dev").ssh.forwardAgent, true);
});
