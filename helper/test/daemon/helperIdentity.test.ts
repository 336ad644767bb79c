// Another local user (the real user nixlima-squat, reached through a sudo rule that allows only
// it; see scripts/setup/00-test-user.sh) creates the helper's predictable folder first and
// listens in it. Neither the window's side nor the helper may use it, each says what to remove,
// and the window sends the squatter nothing.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { connectToHelper } from "../../src/connect/helperConnect";
import { ensureToken } from "../../src/connect/helperIdentity";
import { helperDir } from "../../src/connect/socketPath";
import { Requests } from "../../src/protocol";
import { connect } from "../../src/rpc";
import { version } from "../../src/version";
import { limactlPath, repoRoot } from "../../../test/support/lima";
import { waitForHello } from "../../../test/support/helperProcess";

const SQUATTER = "nixlima-squat";
const uid = process.getuid!();
let scratch: string;

before(() => {
  // A /tmp of our own (sticky, writable by all, like /tmp), so nothing outside the test is touched.
  scratch = mkdtempSync("/tmp/nl-squat-");
  chmodSync(scratch, 0o1777);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs, as the other user, a listener on `socket` in `dir` (made by that user, open to all, or a
 * link to a folder of its own when `link` is set). It prints `ready`, then `got N` for every
 * byte it receives, and removes what it made when its stdin closes.
 */
async function squat(dir: string, socket: string, link = false): Promise<{ received(): number; stop(): Promise<void> }> {
  const script = `
    const fs = require("node:fs"), net = require("node:net");
    const [dir, socket, link] = process.argv.slice(1);
    const real = link === "1" ? dir + "-real" : dir;
    fs.mkdirSync(real); fs.chmodSync(real, 0o777);
    if (real !== dir) fs.symlinkSync(real, dir);
    const server = net.createServer((c) => c.on("data", (d) => process.stdout.write("got " + d.length + "\\n")));
    server.listen(socket, () => { fs.chmodSync(socket, 0o777); process.stdout.write("ready\\n"); });
    process.stdin.resume();
    process.stdin.on("end", () => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); fs.rmSync(real, { recursive: true, force: true }); process.exit(0); });
  `;
  const child: ChildProcess = spawn("sudo", ["-n", "-u", SQUATTER, process.execPath, "-e", script, dir, socket, link ? "1" : "0"], {
    cwd: "/",
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the squatter exited with ${code} before listening`)));
    const poll = setInterval(() => {
      if (!out.includes("ready")) return;
      clearInterval(poll);
      resolve();
    }, 20);
  });
  return {
    received: () => [...out.matchAll(/got (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0),
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin!.end();
      await exited;
    },
  };
}

test("the test user may act as the other user, who is a different uid", () => {
  const id = spawnSync("sudo", ["-n", "-u", SQUATTER, "id", "-u"], { encoding: "utf8", cwd: "/" });
  assert.equal(id.status, 0, `sudo -u ${SQUATTER} failed: ${id.stderr}`);
  assert.notEqual(Number(id.stdout.trim()), uid);
});

test("without XDG_RUNTIME_DIR the helper's folder is the predictable TMPDIR/nixlima-UID", () => {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  try {
    assert.equal(helperDir({}), join(scratch, `nixlima-${uid}`));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});

for (const link of [false, true]) {
  test(`a window refuses a helper folder another user made${link ? " as a link" : ""}, says what to remove, and sends it nothing`, async () => {
    const dir = join(scratch, `nixlima-${uid}`);
    const socket = join(dir, "h-test.sock");
    const squatter = await squat(dir, socket, link);
    try {
      await assert.rejects(connectToHelper(socket, version), (err: Error) => {
        assert.match(err.message, link ? /is a link, not a folder/ : /belongs to another user/);
        assert.ok(err.message.includes(`remove ${dir} `), err.message);
        assert.equal(err.message.split(/[.:] [A-Z]/).length, 1, `one sentence: ${err.message}`);
        return true;
      });
      assert.equal(squatter.received(), 0, "the window sent the other user's listener nothing");
    } finally {
      await squatter.stop();
    }
  });
}

// The helper is given the socket in the scratch folder with --socket (a TMPDIR of its own would
// cost tsx its compile cache); it checks that socket's folder just as it checks TMPDIR/nixlima-UID.
const serveArgs = (socket: string, home: string) => ["--import", "tsx", join(repoRoot, "helper/src/main.ts"), "__serve", "--socket", socket, "--limactl", limactlPath, "--lima-home", home];

test("the helper refuses to start in a folder another user made, with the sentence, instead of leaving quietly", async () => {
  const dir = join(scratch, `nixlima-${uid}`);
  const socket = join(dir, "h-test.sock");
  const squatter = await squat(dir, socket);
  try {
    const run = spawnSync(process.execPath, serveArgs(socket, scratch), { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 1, `exit ${run.status}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`${dir} belongs to another user \\(uid \\d+\\), so nixlima will not use it for its helper: remove ${dir} `));
    assert.equal(squatter.received(), 0);
  } finally {
    await squatter.stop();
  }
});

test("a helper whose socket folder is missing makes it 0700 with a 0600 socket and token, and a window trusts it", async () => {
  const dir = join(scratch, `nixlima-${uid}`);
  const socket = join(dir, "h-test.sock");
  const home = mkdtempSync("/tmp/nl-");
  const helper = spawn(process.execPath, serveArgs(socket, home), { stdio: "ignore" });
  try {
    const line = await waitForHello(helper, socket);
    assert.equal(line.hello.pid, helper.pid);
    line.conn.dispose();
    const mode = (p: string) => (lstatSync(p).mode & 0o777).toString(8);
    assert.deepEqual([mode(dir), mode(socket), mode(join(dir, "helper.token"))], ["700", "600", "600"]);
  } finally {
    helper.kill("SIGTERM");
    rmSync(home, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a listener in our own folder that cannot prove it read the token is refused", async () => {
  const dir = join(scratch, "own");
  mkdirSync(dir, { mode: 0o700 });
  ensureToken(dir);
  const socket = join(dir, "h.sock");
  // FAKE: a helper that does not know the token (the real one always does); it answers hello.
  const server = createServer((s) => {
    const conn = connect(s);
    conn.onRequest(Requests.hello.method, () => ({ version, pid: 1, config: {}, proof: "0".repeat(64) }));
  });
  await new Promise<void>((r) => server.listen(socket, r));
  chmodSync(socket, 0o600);
  try {
    await assert.rejects(connectToHelper(socket, version), /could not prove it is your nixlima helper: remove .*h\.sock and try again/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
