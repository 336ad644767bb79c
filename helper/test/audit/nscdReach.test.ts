// The nscd part of the sandbox proof: whether the agent user can ask a name-service cache, which
// resolves past the per-user DNS filter. The proof script's lines run in a real bash here, on a
// real unix socket; the parse and the words for each answer.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { NSCD_LINES, nscdGap, parseNscd } from "../../src/audit/nscdReach";
import type { SandboxProof } from "../../src/protocol";

const dir = mkdtempSync(join(tmpdir(), "nixlima-nscd-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = async (socket: string) =>
  (await execa("bash", ["-c", `u=$1 n=$2\n${NSCD_LINES}`, "proof", userInfo().username, socket])).stdout;

test("no nscd socket: nothing to ask, so nothing open", async () => {
  const out = await run(join(dir, "absent"));
  assert.equal(out, "nscd=none");
  assert.deepEqual(parseNscd(out), { nscdOpen: false });
});

test("a socket there, looked at as the agent through sudo: without sudo for Lima's user, nobody could look", async () => {
  const socket = join(dir, "socket");
  const server = createServer().listen(socket);
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const out = await run(socket);
    // Tests run unprivileged, where `sudo -n -u` cannot act as the agent; as root it can, and
    // root may write the socket.
    const asRoot = process.getuid?.() === 0;
    assert.equal(out, asRoot ? "nscd=open" : "");
    assert.deepEqual(parseNscd(out), { nscdOpen: asRoot ? true : null });
  } finally {
    server.close();
  }
});

test("each answer of the agent's own access check, parsed", () => {
  assert.deepEqual(parseNscd("me=lima\nnscd=open\nuser=yes"), { nscdOpen: true });
  assert.deepEqual(parseNscd("nscd=closed"), { nscdOpen: false });
  assert.deepEqual(parseNscd("nscd=maybe"), { nscdOpen: null });
});

test("the words: an open nscd is a gap that names the agent, an unknown one asks for a check", () => {
  const proof: SandboxProof = { agentUser: true, agentSudo: false, egressFilter: true };
  assert.equal(nscdGap({ ...proof, nscdOpen: false }, "bot"), undefined);
  assert.match(nscdGap({ ...proof, nscdOpen: true }, "bot") ?? "", /^a name-service cache closed to the agent user \(bot can resolve any name/);
  for (const nscdOpen of [null, undefined]) {
    assert.equal(nscdGap({ ...proof, nscdOpen }, "bot"), "a check that the agent user cannot use the name-service cache (nscd)");
  }
});
