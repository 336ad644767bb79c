import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoredImage } from "../../../helper/src/protocol";
import { describeImage, imageLabel, imagePreset, imagesForTemplate, isoDate, sortImages } from "../../src/tree/imagesFormat";

const img = (image: string, arch: "aarch64" | "x86_64", date: string, latest = false, sizeBytes = 1.5 * 2 ** 30): StoredImage => ({
  image,
  arch,
  date,
  path: `/l/_images/nixlima-${image}-${arch}-${date}.qcow2`,
  sizeBytes,
  modifiedAt: Number(date),
  latest,
});

test("an image row reads name · arch, then date · size · latest", () => {
  assert.equal(imageLabel(img("dev", "aarch64", "20260701")), "dev · aarch64");
  assert.equal(describeImage(img("dev", "aarch64", "20260701", true)), "2026-07-01 · 1.5 GiB · latest");
  assert.equal(describeImage(img("dev", "aarch64", "20260630", false, 300 * 2 ** 20)), "2026-06-30 · 300 MiB");
  assert.equal(isoDate("latest"), "latest");
});

test("an image row gives the space it takes on the host beside the disk size it holds", () => {
  const sparse = { ...img("dev", "x86_64", "20260701", true), usedBytes: 1.25 * 2 ** 30, nominalBytes: 20 * 2 ** 30 };
  assert.equal(describeImage(sparse), "2026-07-01 · 1.3 GiB used of 20 GiB · latest");
});

test("images are grouped by name and arch, the latest first, then newest first", () => {
  const sorted = sortImages([
    img("dev", "x86_64", "20260703"),
    img("agent", "x86_64", "20260601", true),
    img("dev", "x86_64", "20260701", true),
    img("dev", "aarch64", "20260702", true),
    img("dev", "x86_64", "20260702"),
  ]);
  assert.deepEqual(
    sorted.map((i) => `${i.image}-${i.arch}-${i.date}${i.latest ? "*" : ""}`),
    ["agent-x86_64-20260601*", "dev-aarch64-20260702*", "dev-x86_64-20260701*", "dev-x86_64-20260703", "dev-x86_64-20260702"],
  );
});

test("the Create flow offers only the template's own builds for the VM's architecture", () => {
  const images = [img("dev", "x86_64", "20260701"), img("dev", "x86_64", "20260702", true), img("dev", "aarch64", "20260702", true), img("agent", "x86_64", "20260702", true)];
  assert.deepEqual(
    imagesForTemplate(images, "dev", "x86_64").map((i) => i.date),
    ["20260702", "20260701"],
  );
  assert.deepEqual(imagesForTemplate(images, "minimal", "x86_64"), []);
});

test("only a preset with an image path presets the image", () => {
  assert.equal(imagePreset({ image: "/l/_images/x.qcow2" }), "/l/_images/x.qcow2");
  for (const arg of [undefined, null, "x", {}, { image: "" }, { image: 3 }]) assert.equal(imagePreset(arg), undefined);
});
