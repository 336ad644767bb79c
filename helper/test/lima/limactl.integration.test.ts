// Limactl against the real limactl 2.2.0 (run as the unprivileged test user, temporary LIMA_HOME).
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { execa } from "execa";
import { Limactl } from "../../src/lima/limactl";
import { limactlPath, qemuEnv, tempLimaHome } from "../../../test/support/lima";

const home = tempLimaHome();
after(() => home.dispose());
const env = { ...process.env, ...qemuEnv };
let l: Limactl;
before(async () => {
  l = await Limactl.locate({ path: limactlPath, limaHome: home.dir }, env);
});

test("locate with a configured path runs --version and sets LIMA_HOME", () => {
  assert.equal(l.path, limactlPath);
  assert.equal(l.version, "2.2.0");
  assert.equal(l.env.LIMA_HOME, home.dir);
  assert.equal(l.env.QEMU_SYSTEM_X86_64, qemuEnv.QEMU_SYSTEM_X86_64);
});

test("locate finds limactl on PATH", async () => {
  const found = await Limactl.locate({}, { ...env, PATH: `/nonexistent:${dirname(limactlPath)}` });
  assert.equal(found.path, limactlPath);
  assert.equal(found.env.LIMA_HOME, process.env.LIMA_HOME);
});

test("with an empty PATH and no setting, limactl is missing, with an install hint", async () => {
  await assert.rejects(Limactl.locate({}, { ...env, PATH: "" }), (err: any) => {
    assert.equal(err.code, "limactl-missing");
    assert.match(err.message, /not found on PATH/);
    assert.match(err.hint, /Install Lima 2\.0\.0 or newer/);
    return true;
  });
});

test("a configured path that does not exist is named in the error", async () => {
  await assert.rejects(Limactl.locate({ path: "/nope/limactl" }, env), (err: any) => {
    assert.equal(err.code, "limactl-missing");
    assert.match(err.message, /\/nope\/limactl/);
    return true;
  });
});

test("an old Lima is refused with the minimum version stated", async (t) => {
  // A fake: no Lima 1.x is installed here. It only prints what Lima 1.2.1 prints for --version.
  const dir = mkdtempSync("/tmp/nl-old-"); // outside LIMA_HOME, where it would be an instance
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, "limactl");
  writeFileSync(fake, "#!/bin/sh\necho 'limactl version 1.2.1'\n");
  chmodSync(fake, 0o755);
  await assert.rejects(Limactl.locate({ path: fake }, env), (err: any) => {
    assert.equal(err.code, "limactl-too-old");
    assert.match(err.message, /Lima 1\.2\.1 .* needs Lima 2\.0\.0 or newer/);
    return true;
  });
});

test("run passes --tty=false --log-format json and streams JSON log lines", async () => {
  const lines: string[] = [];
  await l.run(["list", "--json"], { onLogLine: (x) => lines.push(`${x.level}:${x.msg}`) });
  assert.deepEqual(lines, ["warning:No instance found. Run `limactl create` to create an instance."]);
  assert.match(l.commandLine(["list"]), /limactl --tty=false --log-format json list$/);
});

test("a failing command throws Lima's fatal sentence, typed", async () => {
  await assert.rejects(l.run(["list", "nothere"]), (err: any) => {
    assert.equal(err.code, "not-found");
    assert.equal(err.message, "unmatched instances");
    return true;
  });
});

test("timeout and cancel kill limactl and say so", async () => {
  // `limactl watch` runs until killed; each end is checked once it ran.
  const watching = async () => {
    const ps = await execa("ps", ["-u", String(process.getuid!()), "-o", "args="]);
    return ps.stdout.split("\n").filter((a) => a.includes(`${limactlPath} --tty=false --log-format json watch`)).length;
  };
  const untilWatching = async () => {
    for (let i = 0; (await watching()) === 0; i++) {
      if (i > 600) throw new Error("limactl watch never ran");
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const timedOut = assert.rejects(l.run(["watch"], { timeoutMs: 5_000 }), { code: "timeout" });
  await untilWatching();
  await timedOut;
  assert.equal(await watching(), 0, "the timed-out limactl was killed");

  const ac = new AbortController();
  const cancelled = assert.rejects(l.run(["watch"], { signal: ac.signal }), { code: "cancelled" });
  await untilWatching();
  ac.abort();
  await cancelled;
  assert.equal(await watching(), 0, "the cancelled limactl was killed");
});

test("root is refused (real when the test runs as root; otherwise locate must not claim root)", async () => {
  if (process.getuid!() === 0) {
    await assert.rejects(Limactl.locate({ path: limactlPath }, env), { code: "root" });
  } else {
    assert.ok((await Limactl.locate({ path: limactlPath }, env)).version);
  }
});
