// The real OpenCode CLI (set-up step 50's pinned native binary) on the host: its help lists the
// autonomy flag dispatch passes (helper/src/dispatch/remoteScript.ts), so a release that renames
// or drops it fails here. And the real opencode, run by the real dispatch script (its opencode
// branch, in bash on this machine, no VM), with the task's variables as the proxy gives them,
// asks the scripted model (test/support/modelServer.ts, Messages API; responsesServer.ts, OpenAI's
// Responses API) at the proxy's path with the per-task token, and runs the shell command it is
// told to — one that reaches outside the work folder, which OpenCode asks a person about unless
// told not to. Only the model is fake.
//
// Nothing may leave the loopback: the test also points the two places OpenCode would download
// from at the scripted server (its model list's URL; npm's registry, which it asks in the
// background for its plugin SDK), so a request there is seen, not sent out.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { agentBinary, OPENCODE_BINARY } from "../../../test/support/agentCli";
import { startModelServer } from "../../../test/support/modelServer";
import { startResponsesServer } from "../../../test/support/responsesServer";
import { runDispatchLocally } from "../dispatch/localDispatch";

const run = promisify(execFile);
const FLAG = "--auto";

test("the installed opencode run's help lists the autonomy flag dispatch passes", async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`opencode run ${FLAG} < `), "dispatch no longer passes what this test checks");
  const home = mkdtempSync(join(tmpdir(), "nixlima-opencode-"));
  try {
    // yargs prints the help on stderr.
    const { stderr } = await run(agentBinary(OPENCODE_BINARY), ["run", "--help"], { env: { HOME: home, PATH: "/usr/bin:/bin" }, timeout: 60_000 });
    assert.match(stderr, new RegExp(`^\\s+${FLAG}\\s+auto-approve permissions`, "m"));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

type Api = "anthropic" | "openai";
/** Where the task's proxy takes each API's requests (taskKeys.ts), and how the token travels. */
const MODEL_PATH: Record<Api, string> = { anthropic: "/anthropic/v1/messages", openai: "/openai/v1/responses" };

/** The scripted server of that API, on one shell command; the tool results it got back. */
async function scriptedModel(api: Api, command: string) {
  if (api === "anthropic") {
    const server = await startModelServer([{ name: "bash", input: () => ({ command, description: "Do the scripted task" }) }]);
    return { ...server, results: () => [...server.toolResults] };
  }
  const server = await startResponsesServer([command]);
  return { ...server, results: () => [...server.toolOutputs] };
}

/** The variables as taskKeys gives them: the proxy's base URL on the forwarded port, the token as the key. */
function taskVariables(api: Api, url: string, token: string): Record<string, string> {
  return api === "anthropic" ? { ANTHROPIC_BASE_URL: `${url}/anthropic`, ANTHROPIC_API_KEY: token } : { OPENAI_BASE_URL: `${url}/openai/v1`, OPENAI_API_KEY: token };
}

/**
 * Runs the real opencode through the dispatch script on the scripted model's one shell command;
 * `withoutFlag` puts a wrapper first on PATH that drops dispatch's autonomy flag, all else equal.
 */
async function dispatchOpencode(api: Api, withoutFlag = false) {
  const home = realpathSync(mkdtempSync(join(tmpdir(), "nixlima-opencode-home-")));
  const work = realpathSync(mkdtempSync(join(tmpdir(), "nixlima-opencode-work-")));
  // Outside the work folder, so OpenCode's external-directory rule applies.
  const outside = join(home, "outside.txt");
  const server = await scriptedModel(api, `echo "opencode was here" > hello.txt && touch ${outside} && touch .nixlima-done`);
  const token = `nixlima-task-${Date.now().toString(36)}`;
  try {
    await run("git", ["init", "-q", work]);
    const drop = withoutFlag ? `for a; do shift; [ "$a" = ${FLAG} ] || set -- "$@" "$a"; done\n` : "";
    const opencode = `#!/bin/bash\n${drop}exec ${JSON.stringify(agentBinary(OPENCODE_BINARY))} "$@"\n`;
    const secrets = {
      ...taskVariables(api, server.url, token),
      // The test's own: where a download would go, here the scripted server (see the top).
      OPENCODE_MODELS_URL: `${server.url}/models-dev`,
      npm_config_registry: `${server.url}/npm-registry/`,
    };
    // Stopped if still running after 2 min (it takes under one): an opencode waiting for a host it
    // cannot reach then fails the test instead of hanging it.
    const r = await runDispatchLocally("opencode", "Do the scripted task.", { opencode }, { secrets, home, workdir: work, stopAfterMs: 120_000 });
    const hello = join(work, "hello.txt");
    const made = { hello: existsSync(hello) ? readFileSync(hello, "utf8") : undefined, outside: existsSync(outside), done: existsSync(join(work, ".nixlima-done")) };
    return { ...r, output: r.lines.join("\n"), seen: [...server.seen], toolResults: server.results(), token, made };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

for (const api of ["anthropic", "openai"] as const) {
  test(`the real opencode, run as dispatch runs it with the ${api} proxy, asks the model at the task's base URL with the token and runs its shell command`, { timeout: 180_000 }, async () => {
    const r = await dispatchOpencode(api);
    assert.equal(r.exitCode, 0, r.output);
    const asked = r.seen.filter((s) => s.method === "POST" && s.url === MODEL_PATH[api]);
    const agentTurns = asked.filter((s) => Array.isArray(s.body.tools) && s.body.tools.length > 0);
    assert.ok(agentTurns.length >= 2, `opencode did not ask the scripted model twice: ${r.seen.map((s) => s.url).join(", ")}\n${r.output}`);
    for (const s of asked) {
      if (api === "anthropic") assert.equal(s.headers["x-api-key"], r.token);
      else assert.equal(s.headers.authorization, `Bearer ${r.token}`);
      assert.equal(s.body.stream, true);
      assert.match(String(s.body.model), api === "anthropic" ? /^claude-/ : /^gpt-/);
    }
    assert.equal(r.toolResults.length, 1, r.output);
    // Nothing else was asked of the loopback but npm's registry (OpenCode's background install of
    // its plugin SDK, which it does not wait for and the guest's egress filter refuses); not its model list.
    assert.deepEqual(r.seen.filter((s) => s.url !== MODEL_PATH[api] && !s.url.startsWith("/npm-registry/")).map((s) => s.url), []);
    assert.deepEqual(r.made, { hello: "opencode was here\n", outside: true, done: true });
    assert.match(r.output, /All scripted steps are done\./);
  });
}

test("without the autonomy flag the same run is refused its step outside the work folder: the flag is what dispatch's run depends on", { timeout: 180_000 }, async () => {
  const r = await dispatchOpencode("anthropic", true);
  assert.equal(r.made.outside, false, "the step outside the work folder ran without permission");
  assert.equal(r.made.done, false, r.output);
  // OpenCode asks, nobody answers in a run, so it rejects the call and ends the run there.
  assert.match(r.output, /permission requested: external_directory \(\S+\); auto-rejecting/, r.output);
});
