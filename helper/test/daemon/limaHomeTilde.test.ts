// A `nixlima.limaHome` of `~/…` is expanded once, by the helper, and that one path is used by
// limactl and by the helper's own readers of LIMA_HOME (here: the Images view's list).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { archOfSystem } from "../../src/shared/arch";
import { hostLinuxSystem } from "../../src/shared/arch";
import { Requests } from "../../src/protocol";
import { request } from "../../src/rpc";
import { limactlPath, qemuEnv, repoRoot, tempLimaHome } from "../../../test/support/lima";
import { waitForHello } from "../../../test/support/helperProcess";

test("with --lima-home ~/lh the helper lists the images in HOME/lh/_images and limactl sees HOME/lh", { timeout: 120_000 }, async () => {
  const home = tempLimaHome(); // a scratch HOME
  const arch = archOfSystem(hostLinuxSystem());
  const image = join(home.dir, "lh", "_images", `nixlima-minimal-${arch}-20260301.qcow2`);
  mkdirSync(join(home.dir, "lh", "_images"), { recursive: true });
  writeFileSync(image, Buffer.alloc(1024, 7));
  const socket = join(home.dir, "h.sock");
  const helper = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "helper/src/main.ts"), "__serve", "--socket", socket, "--limactl", limactlPath, "--lima-home", "~/lh"], {
    env: { ...process.env, ...qemuEnv, HOME: home.dir },
    stdio: "ignore",
  });
  try {
    const line = await waitForHello(helper, socket);
    assert.equal(line.hello.config.limaHome, join(home.dir, "lh"));
    const images = await request(line.conn, Requests.imagesList, {});
    assert.deepEqual(images.map((i) => i.path), [image]);
    const snapshot = await request(line.conn, Requests.vmsList, {});
    assert.equal(snapshot.ok, true, JSON.stringify(snapshot));
    line.conn.dispose();
  } finally {
    helper.kill("SIGTERM");
    home.dispose();
  }
});
