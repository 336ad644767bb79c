// A writable mount that covers LIMA_HOME (it or a folder above it) is refused at create: the
// guest could rewrite the ssh.config nixlima includes at the top of the user's ssh config.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { NixlimaError } from "../../src/errors";
import { prepareCreate } from "../../src/templates/prepare";
import { tempLimaHome } from "../../../test/support/lima";

const side = tempLimaHome();
after(() => side.dispose());
const limaHome = join(side.dir, "lima");
const project = join(side.dir, "project");
mkdirSync(limaHome);
mkdirSync(project);

test("a writable mount of LIMA_HOME or a folder above it is refused with one sentence", async () => {
  for (const location of [limaHome, side.dir]) {
    await assert.rejects(prepareCreate("x1", { template: "dev", image: "/etc/profile", mounts: [{ location, writable: true }] }, limaHome), (err: unknown) => {
      assert.ok(err instanceof NixlimaError);
      assert.equal(
        err.message,
        `The writable mount ${location} covers LIMA_HOME (${limaHome}), where Lima keeps the ssh.config your ssh config includes, so the VM could make ssh on this machine run its commands.`,
      );
      return true;
    });
  }
});

test("read-only, or a folder beside LIMA_HOME, passes", async () => {
  await prepareCreate("x2", { template: "dev", image: "/etc/profile", mounts: [{ location: side.dir, writable: false }] }, limaHome);
  const p = await prepareCreate("x3", { template: "dev", image: "/etc/profile", mounts: [{ location: project, writable: true }] }, limaHome);
  assert.match(p.yaml, new RegExp(project));
});
