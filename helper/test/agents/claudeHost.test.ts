// The real Claude Code CLI (set-up step 50's pinned native binary) on the host alone, against the
// scripted model server (test/support/modelServer.ts): proof that the server speaks the Messages
// API as this CLI version asks, and that the autonomy flag dispatch passes
// (--dangerously-skip-permissions, in helper/src/dispatch/remoteScript.ts) is the one that lets it
// act in print mode. Only the model is fake; the CLI, its tools, bash and the files are real.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { agentBinary, CLAUDE_BINARY, PROBE_FILE, SCRIPTED_CONTENT, SCRIPTED_FILE, scriptedSteps } from "../../../test/support/agentCli";
import { startModelServer } from "../../../test/support/modelServer";

const run = promisify(execFile);
const FLAG = "--dangerously-skip-permissions";
const KEY = `sk-ant-host-${Date.now().toString(36)}`;
const dirs: string[] = [];

after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the real claude in a fresh folder (also its HOME) with only the given flags; the folder and its exit. */
async function claude(flags: string[]): Promise<{ dir: string; code: number; output: string; seen: number; results: string[] }> {
  const server = await startModelServer(scriptedSteps());
  const dir = mkdtempSync(join(tmpdir(), "nixlima-claude-"));
  dirs.push(dir);
  try {
    const env = { HOME: dir, PATH: "/usr/bin:/bin", ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: KEY };
    const r = await run(agentBinary(CLAUDE_BINARY), ["-p", "Do the scripted task.", ...flags], { cwd: dir, env, timeout: 120_000 }).then(
      (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` }),
    );
    assert.ok(server.seen.some((s) => s.url.startsWith("/v1/messages") && s.headers["x-api-key"] === KEY && s.body.stream === true), "the CLI never asked the scripted model");
    return { dir, ...r, seen: server.seen.length, results: [...server.toolResults] };
  } finally {
    await server.close();
  }
}

test("the real claude with dispatch's autonomy flag writes the file, runs bash and creates the done marker", { timeout: 180_000 }, async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`claude ${FLAG} -p`), "dispatch no longer passes the flag this test checks");
  const r = await claude([FLAG]);
  assert.equal(r.code, 0, r.output);
  assert.equal(readFileSync(join(r.dir, SCRIPTED_FILE), "utf8"), SCRIPTED_CONTENT);
  assert.match(readFileSync(join(r.dir, PROBE_FILE), "utf8"), /^user:\S+\nsudo:(yes|no)\n$/);
  assert.ok(existsSync(join(r.dir, ".nixlima-done")));
  assert.equal(r.results.length, 3, r.results.join("\n"));
  assert.match(r.output, /All scripted steps are done\./);
});

test("without the autonomy flag the same CLI acts on nothing: the flag is what dispatch's run depends on", { timeout: 180_000 }, async () => {
  const r = await claude([]);
  assert.ok(!existsSync(join(r.dir, SCRIPTED_FILE)), "the Write step ran without permission");
  assert.ok(!existsSync(join(r.dir, ".nixlima-done")), "the Bash step ran without permission");
  assert.match(r.results[0] ?? "", /permission/i, r.results.join("\n"));
});

test("the installed CLI's --help lists the autonomy flag dispatch passes", async () => {
  const { stdout } = await run(agentBinary(CLAUDE_BINARY), ["--help"], { env: { HOME: tmpdir(), PATH: "/usr/bin:/bin" }, timeout: 60_000 });
  assert.match(stdout, new RegExp(`^\\s+${FLAG}\\s`, "m"));
});
