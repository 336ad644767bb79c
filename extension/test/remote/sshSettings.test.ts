import assert from "node:assert/strict";
import { test } from "node:test";
import { remoteSshUpdates } from "../../src/remote/sshSettings";

test("with nothing set, the host's platform and a boot-length connect timeout are written", () => {
  assert.deepEqual(remoteSshUpdates("lima-dev", {}), { remotePlatform: { "lima-dev": "linux" }, connectTimeout: 60 });
});

test("other hosts' platforms are kept, and a user's own connect timeout is never replaced", () => {
  const updates = remoteSshUpdates("lima-dev", { remotePlatform: { builder: "macOS" }, connectTimeout: 15 });
  assert.deepEqual(updates, { remotePlatform: { builder: "macOS", "lima-dev": "linux" } });
});

test("a platform the user chose for the VM's own host is left alone; then nothing is written", () => {
  assert.deepEqual(remoteSshUpdates("lima-dev", { remotePlatform: { "lima-dev": "linux" }, connectTimeout: 0 }), {});
  assert.deepEqual(remoteSshUpdates("lima-dev", { remotePlatform: { "lima-dev": "windows" }, connectTimeout: 90 }), {});
});
