import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { claudeTokenFile, copyClaudeToken, findClaudeToken, REMOTE_COMMAND } from "../../src/dispatch/claudeToken";
import { sshArgv } from "../../src/dispatch/guestSsh";
import type { Vm } from "../../src/protocol";

const home = mkdtempSync(join(tmpdir(), "nixlima-claude-"));
after(() => rmSync(home, { recursive: true, force: true }));
const vm = { name: "nowhere", dir: join(home, "nowhere"), hostname: "lima-nowhere", status: "Running" } as Vm;

test("the Claude login is looked for at ~/.claude/.credentials.json, and found only when it is there", async () => {
  const file = claudeTokenFile(home);
  assert.equal(file, join(home, ".claude", ".credentials.json"));
  assert.deepEqual(await findClaudeToken(file), { path: file, present: false });
  const other = join(home, "creds.json");
  writeFileSync(other, "{}");
  assert.deepEqual(await findClaudeToken(other), { path: other, present: true });
});

test("copying a missing login says where it looked and what to do, and runs no ssh", async () => {
  const file = claudeTokenFile(home);
  await assert.rejects(copyClaudeToken(vm, file), (err: Error) => err.message === `There is no ${file}: log in with claude on this machine first.`);
});

test("a copy whose ssh fails says so in one sentence naming the VM", async () => {
  const file = join(home, "token.json");
  writeFileSync(file, '{"claudeAiOauth":{}}');
  // The VM's ssh.config does not exist, so the real ssh fails at once.
  await assert.rejects(copyClaudeToken(vm, file), (err: Error) => err.message.startsWith("Could not copy the Claude token into nowhere: ssh failed: "));
});

test("the token goes to a fixed remote command; nothing the user typed is in it", () => {
  const argv = sshArgv(vm, REMOTE_COMMAND);
  assert.equal(argv.at(-1), REMOTE_COMMAND);
  assert.match(REMOTE_COMMAND, /^umask 077 && .* mv -f ~\/\.claude\/\.credentials\.json\.nixlima ~\/\.claude\/\.credentials\.json$/);
});
