// The Create VM choice "Published NixOS image" is honoured even when the user built an image for
// the template: the built one is put first only when no choice was made.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { archOfSystem } from "../../src/shared/arch";
import { hostLinuxSystem } from "../../src/shared/arch";
import { prepareCreate } from "../../src/templates/prepare";
import { tempLimaHome } from "../../../test/support/lima";

const home = tempLimaHome();
after(() => home.dispose());
const arch = archOfSystem(hostLinuxSystem());
const images = join(home.dir, "_images");
mkdirSync(images);
const built = join(images, `nixlima-minimal-${arch}-20260301.qcow2`);
writeFileSync(built, Buffer.alloc(1024, 7));
symlinkSync(`nixlima-minimal-${arch}-20260301.qcow2`, join(images, `nixlima-minimal-${arch}-latest.qcow2`));

const locations = (yaml: string) => (parse(yaml) as { images: { location: string }[] }).images.map((i) => i.location);

test("without a choice, the user's newest build comes first, the published images after it", async () => {
  const p = await prepareCreate("x1", { template: "minimal" }, home.dir);
  assert.equal(p.image, built);
  assert.equal(locations(p.yaml)[0], built);
  assert.ok(locations(p.yaml).length > 1);
});

test("with the published image chosen, the build is left out", async () => {
  const p = await prepareCreate("x2", { template: "minimal", publishedImage: true }, home.dir);
  assert.equal(p.image, undefined);
  const boots = locations(p.yaml);
  assert.ok(boots.length > 0, "the template's own images remain");
  assert.ok(boots.every((l) => !l.includes("_images")), boots.join("\n"));
});
