import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NixlimaError } from "../../src/errors";
import { deleteImage } from "../../src/nix/deleteImage";
import { installImage } from "../../src/nix/images";

/** A fake build output (a folder holding nixos.qcow2) installed for each date, as a build would. */
async function limaHomeWith(dates: Date[], image = "dev"): Promise<{ limaHome: string; paths: string[] }> {
  const limaHome = mkdtempSync("/tmp/nl-");
  const out = join(limaHome, "out");
  mkdirSync(out);
  writeFileSync(join(out, "nixos.qcow2"), "not really qcow2");
  const paths: string[] = [];
  for (const date of dates) paths.push((await installImage({ limaHome, image, arch: "x86_64", outPath: out, date })).path);
  return { limaHome, paths };
}

const latestLink = (limaHome: string) => join(limaHome, "_images", "nixlima-dev-x86_64-latest.qcow2");

test("deleting the latest image moves the latest symlink to the newest one left", async () => {
  const { limaHome, paths } = await limaHomeWith([new Date(2026, 0, 1), new Date(2026, 0, 3), new Date(2026, 0, 2)]);
  try {
    // Installed last, the 2nd of January is what the symlink points at now.
    assert.equal(readlinkSync(latestLink(limaHome)), "nixlima-dev-x86_64-20260102.qcow2");
    const left = await deleteImage(limaHome, paths[2]!);
    assert.equal(existsSync(paths[2]!), false);
    assert.equal(readlinkSync(latestLink(limaHome)), "nixlima-dev-x86_64-20260103.qcow2");
    assert.deepEqual(left.map((i) => [i.date, i.latest]).sort(), [
      ["20260101", false],
      ["20260103", true],
    ]);
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
  }
});

test("deleting an older image leaves the symlink; deleting the last one removes it", async () => {
  const { limaHome, paths } = await limaHomeWith([new Date(2026, 0, 1), new Date(2026, 0, 2)]);
  try {
    await deleteImage(limaHome, paths[0]!);
    assert.equal(readlinkSync(latestLink(limaHome)), "nixlima-dev-x86_64-20260102.qcow2");
    assert.deepEqual(await deleteImage(limaHome, paths[1]!), []);
    assert.throws(() => lstatSync(latestLink(limaHome)), /ENOENT/);
    assert.deepEqual(readdirSync(join(limaHome, "_images")), []);
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
  }
});

test("a path that is not a listed image is refused and nothing is removed", async () => {
  const { limaHome, paths } = await limaHomeWith([new Date(2026, 0, 1)]);
  try {
    const before = readdirSync(join(limaHome, "_images")).sort();
    for (const path of [join(limaHome, "out", "nixos.qcow2"), latestLink(limaHome), join(limaHome, "_images", "..", "out", "nixos.qcow2")]) {
      await assert.rejects(deleteImage(limaHome, path), (e: unknown) => e instanceof NixlimaError && e.code === "not-found");
    }
    assert.deepEqual(readdirSync(join(limaHome, "_images")).sort(), before);
    assert.ok(existsSync(join(limaHome, "out", "nixos.qcow2")) && existsSync(paths[0]!));
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
  }
});
