import { test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, mkdtempSync, readlinkSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { buildImage } from "../../src/nix/buildImage";
import { installImage, listImages } from "../../src/nix/images";
import { NixlimaError } from "../../src/errors";
import { fixtures, tempNix } from "./nixEnv";

test("a built image is copied into LIMA_HOME/_images with a latest symlink, and listed", async () => {
  const nix = tempNix();
  const limaHome = mkdtempSync("/tmp/nl-");
  try {
    const { outPath } = await buildImage({ installable: ["-f", join(fixtures, "drv", "qcow2.nix")], env: nix.env });
    const first = await installImage({ limaHome, image: "dev", arch: "x86_64", outPath, date: new Date(2026, 6, 1) });
    assert.equal(first.path, join(limaHome, "_images", "nixlima-dev-x86_64-20260701.qcow2"));
    assert.equal(first.latest, join(limaHome, "_images", "nixlima-dev-x86_64-latest.qcow2"));
    assert.equal(statSync(first.path).mode & 0o777, 0o644, "the copy must be writable by its owner, unlike the store file");
    const info = await execa("qemu-img", ["info", "--output=json", first.latest]);
    assert.equal(JSON.parse(info.stdout).format, "qcow2");

    const second = await installImage({ limaHome, image: "dev", arch: "x86_64", outPath, date: new Date(2026, 6, 2) });
    assert.ok(lstatSync(second.latest).isSymbolicLink());
    assert.equal(readlinkSync(second.latest), "nixlima-dev-x86_64-20260702.qcow2");

    const listed = await listImages(limaHome);
    assert.deepEqual(
      listed.map((i) => [i.image, i.arch, i.date, i.latest]).sort(),
      [
        ["dev", "x86_64", "20260701", false],
        ["dev", "x86_64", "20260702", true],
      ],
    );
    assert.ok(listed.every((i) => i.sizeBytes > 0));
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
    nix.dispose();
  }
});

test("bad image names and outputs without an image are refused without writing anything", async () => {
  const limaHome = mkdtempSync("/tmp/nl-");
  try {
    await assert.rejects(
      installImage({ limaHome, image: "../evil", arch: "x86_64", outPath: limaHome }),
      (e: unknown) => e instanceof NixlimaError && e.code === "invalid-name",
    );
    await assert.rejects(
      installImage({ limaHome, image: "dev", arch: "x86_64", outPath: limaHome }),
      (e: unknown) => e instanceof NixlimaError && /holds no single \.qcow2 image/.test(e.message),
    );
    assert.deepEqual(await listImages(limaHome), []);
  } finally {
    rmSync(limaHome, { recursive: true, force: true });
  }
});
