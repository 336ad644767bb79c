// The real Codex CLI (set-up step 50's pinned native binary) on the host: its help lists the
// autonomy flag and the stdin prompt that dispatch passes it (helper/src/dispatch/remoteScript.ts),
// so a CLI release that renames or drops either fails here. And the real codex, run by the real
// dispatch script (its codex branch, in bash on this machine, no VM), with the task's variables as
// the proxy gives them, asks the scripted model (test/support/responsesServer.ts, Responses API)
// at the proxy's path with the per-task token, and runs the shell command it is told to.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { agentBinary, CODEX_BINARY } from "../../../test/support/agentCli";
import { startResponsesServer } from "../../../test/support/responsesServer";
import { runDispatchLocally } from "../dispatch/localDispatch";

const run = promisify(execFile);
const FLAG = "--dangerously-bypass-approvals-and-sandbox";

test("the installed codex exec's help lists the autonomy flag and the stdin prompt dispatch passes, and takes a non-TOML -c value as it is", async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`codex exec ${FLAG} "\\$@" - <`), "dispatch no longer passes what this test checks");
  const home = mkdtempSync(join(tmpdir(), "nixlima-codex-"));
  try {
    const { stdout } = await run(agentBinary(CODEX_BINARY), ["exec", "--help"], { env: { HOME: home, PATH: "/usr/bin:/bin" }, timeout: 60_000 });
    assert.match(stdout, new RegExp(`^\\s+${FLAG}\\n`, "m"));
    assert.match(stdout, /If not provided as an argument \(or if `-` is used\),\s+instructions are read from stdin/);
    // Dispatch passes the provider's base URL unquoted: a -c value that is not TOML is taken as it is.
    assert.match(stdout, /If it fails to parse as TOML, the raw string\s+is used as a literal/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("the real codex, run as dispatch runs it, asks the model at the task's base URL with the token and runs its shell command", { timeout: 180_000 }, async () => {
  const server = await startResponsesServer(['echo "codex was here" > hello.txt && touch .nixlima-done']);
  const home = realpathSync(mkdtempSync(join(tmpdir(), "nixlima-codex-home-")));
  const work = realpathSync(mkdtempSync(join(tmpdir(), "nixlima-codex-work-")));
  const token = `nixlima-task-${Date.now().toString(36)}`;
  try {
    await run("git", ["init", "-q", work]);
    // The script finds codex on PATH, as in the guest; this one hands over to the real binary.
    const codex = `#!/bin/sh\nexec ${JSON.stringify(agentBinary(CODEX_BINARY))} "$@"\n`;
    // The variables as taskKeys gives them: the base URL on the forwarded port, the token as the key.
    const secrets = { OPENAI_BASE_URL: `${server.url}/openai/v1`, OPENAI_API_KEY: token };
    // Stopped if still running after 2 min (it takes seconds): a codex that passed the scripted
    // server by waits for a host it cannot reach, and the test then fails instead of hanging.
    const r = await runDispatchLocally("codex", "Do the scripted task.", { codex }, { secrets, home, workdir: work, stopAfterMs: 120_000 });
    const output = r.lines.join("\n");
    assert.equal(r.exitCode, 0, output);
    const asked = server.seen.filter((s) => s.method === "POST" && s.url === "/openai/v1/responses");
    assert.ok(asked.length >= 2, `codex did not ask the scripted model twice: ${server.seen.map((s) => s.url).join(", ")}\n${output}`);
    for (const s of asked) {
      assert.equal(s.headers.authorization, `Bearer ${token}`);
      assert.equal(s.body.stream, true);
    }
    assert.equal(readFileSync(join(work, "hello.txt"), "utf8"), "codex was here\n");
    assert.ok(existsSync(join(work, ".nixlima-done")));
    assert.match(server.toolOutputs[0] ?? "", /exit_code\\?":0/, server.toolOutputs.join("\n"));
    assert.match(output, /All scripted steps are done\./);
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
});
