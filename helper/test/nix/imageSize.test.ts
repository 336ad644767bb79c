// The Images view's sizes, from real files: a qcow2 made by the real qemu-img (its header's disk
// size against the few blocks it takes) and a sparse file with a hole (its blocks against its length).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { execa } from "execa";
import { listImages } from "../../src/nix/images";

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const limaHome = mkdtempSync("/tmp/nl-size-");
const dir = join(limaHome, "_images");
mkdirSync(dir);
after(() => rmSync(limaHome, { recursive: true, force: true }));

test("a qcow2 image reads as the blocks it takes on the host, of the disk size in its header", async () => {
  const path = join(dir, "nixlima-dev-x86_64-20260701.qcow2");
  await execa("qemu-img", ["create", "-q", "-f", "qcow2", path, "20G"]);
  const [image] = await listImages(limaHome);
  assert.equal(image?.nominalBytes, 20 * GIB);
  assert.equal(image?.usedBytes, statSync(path).blocks * 512);
  assert.ok(image!.usedBytes! > 0 && image!.usedBytes! < 10 * MIB, `${image?.usedBytes} bytes used`);
});

test("a sparse file that is no qcow2 reads as its written blocks of its length", async () => {
  const path = join(dir, "nixlima-raw-x86_64-20260702.qcow2");
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, GIB);
    writeSync(fd, Buffer.alloc(MIB, 7), 0, MIB, 0);
  } finally {
    closeSync(fd);
  }
  const image = (await listImages(limaHome)).find((i) => i.image === "raw");
  assert.equal(image?.nominalBytes, GIB);
  assert.equal(image?.sizeBytes, GIB);
  // The hole takes nothing: about the one MiB written (the file system may round up a little).
  assert.ok(image!.usedBytes! >= MIB && image!.usedBytes! < 2 * MIB, `${image?.usedBytes} bytes used`);
});
