// The account part of the sandbox proof: the proof script's lines as a real bash prints them from
// files laid out like the guest's, and the parse of each answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ACCOUNT_LINES, parseAccount } from "../../src/audit/agentAccount";

const lines = (extra: string) => `me=lima\ngroups=agent users\n${extra}`;

test("Nix trust: by name, by one of the user's groups or by *, from any trusted-users line; none without nix.conf", () => {
  assert.equal(parseAccount(lines("nixconf=no\nfacts=0:444 0:755"), "agent").nixTrusted, false);
  assert.equal(parseAccount(lines("nixconf=yes\ntrusted= root @wheel\nfacts=0:444 0:755"), "agent").nixTrusted, false);
  assert.equal(parseAccount(lines("nixconf=yes\ntrusted= root agent"), "agent").nixTrusted, true);
  assert.equal(parseAccount(lines("nixconf=yes\ntrusted= root\ntrusted= @users"), "agent").nixTrusted, true);
  assert.equal(parseAccount(lines("nixconf=yes\ntrusted= *"), "agent").nixTrusted, true);
  assert.equal(parseAccount(lines("nixconf=unreadable"), "agent").nixTrusted, null);
});

test("agent.json is root's only when the file and its folder are root's and nobody else may write them", () => {
  assert.equal(parseAccount(lines("facts=0:444 0:755"), "agent").factsRootOnly, true);
  assert.equal(parseAccount(lines("facts=2000:644 0:755"), "agent").factsRootOnly, false);
  assert.equal(parseAccount(lines("facts=0:666 0:755"), "agent").factsRootOnly, false);
  assert.equal(parseAccount(lines("facts=0:444 0:1777"), "agent").factsRootOnly, false);
  assert.equal(parseAccount(lines("facts= 0:755"), "agent").factsRootOnly, null);
  const a = parseAccount(lines("facts=0:444 0:755"), "agent");
  assert.deepEqual([a.limaUser, a.agentGroups], ["lima", ["agent", "users"]]);
});

test("the script's lines, run by a real bash on this machine, read root's files as root's and a user's file as writable by others", async () => {
  const run = async (f: string) => (await execa("bash", ["-c", `u=root f=$1\n${ACCOUNT_LINES}`, "proof", f])).stdout;
  const etc = parseAccount(await run("/etc/passwd"), "root");
  assert.equal(etc.factsRootOnly, true);
  assert.ok(etc.agentGroups?.includes("root"));
  const dir = await mkdtemp(join(tmpdir(), "nixlima-facts-"));
  try {
    await writeFile(join(dir, "agent.json"), "{}");
    assert.equal(parseAccount(await run(join(dir, "agent.json")), "root").factsRootOnly, false, "a file in /tmp, writable folder and all");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
