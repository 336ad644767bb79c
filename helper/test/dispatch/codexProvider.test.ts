// Codex ignores OPENAI_BASE_URL, so dispatch names the base URL on its command line as a model
// provider of its own (the real codex following it to a scripted server is in
// helper/test/agents/codexHost.test.ts). The real dispatch script runs here in bash with a FAKE
// codex that prints its argv words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runDispatchLocally } from "./localDispatch";

const FAKE_CODEX = `#!/bin/bash
for word in "$@"; do echo "argv: $word"; done
`;
const FLAG = "--dangerously-bypass-approvals-and-sandbox";

async function codexArgv(secrets: Record<string, string>): Promise<string[]> {
  const { exitCode, lines } = await runDispatchLocally("codex", "Fix it.", { codex: FAKE_CODEX }, { secrets });
  assert.equal(exitCode, 0, lines.join("\n"));
  return lines.filter((l) => l.startsWith("stdout: argv: ")).map((l) => l.slice("stdout: argv: ".length));
}

test("with OPENAI_BASE_URL set, codex gets a provider at that URL with the key variable and the Responses API", async () => {
  // A space and a quote in the URL: it must stay one word, not split nor read as shell.
  const url = "http://127.0.0.1:4711/openai/v1?a b'c";
  assert.deepEqual(await codexArgv({ OPENAI_BASE_URL: url, OPENAI_API_KEY: "token" }), [
    "exec",
    FLAG,
    "-c",
    "model_providers.nixlima.name=nixlima",
    "-c",
    `model_providers.nixlima.base_url=${url}`,
    "-c",
    "model_providers.nixlima.env_key=OPENAI_API_KEY",
    "-c",
    "model_providers.nixlima.wire_api=responses",
    "-c",
    "model_provider=nixlima",
    "-",
  ]);
});

test("without OPENAI_BASE_URL, codex keeps its own provider settings", async () => {
  assert.deepEqual(await codexArgv({ OPENAI_API_KEY: "sk-own" }), ["exec", FLAG, "-"]);
});
