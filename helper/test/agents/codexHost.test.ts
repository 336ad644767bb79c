// The real Codex CLI (set-up step 50's pinned native binary) on the host: its help lists the
// autonomy flag and the stdin prompt that dispatch passes it (helper/src/dispatch/remoteScript.ts),
// so a CLI release that renames or drops either fails here. Driving it through a scripted model
// (the OpenAI Responses API) is not done yet.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { agentBinary, CODEX_BINARY } from "../../../test/support/agentCli";

const run = promisify(execFile);
const FLAG = "--dangerously-bypass-approvals-and-sandbox";

test("the installed codex exec's help lists the autonomy flag and the stdin prompt dispatch passes", async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`codex exec ${FLAG} "\\$@" - <`), "dispatch no longer passes what this test checks");
  const home = mkdtempSync(join(tmpdir(), "nixlima-codex-"));
  try {
    const { stdout } = await run(agentBinary(CODEX_BINARY), ["exec", "--help"], { env: { HOME: home, PATH: "/usr/bin:/bin" }, timeout: 60_000 });
    assert.match(stdout, new RegExp(`^\\s+${FLAG}\\n`, "m"));
    assert.match(stdout, /If not provided as an argument \(or if `-` is used\),\s+instructions are read from stdin/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
