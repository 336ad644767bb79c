import assert from "node:assert/strict";
import { test } from "node:test";
import { AGENT_KEYS, KEY_PROVIDERS, agentSecrets } from "../../src/shared/agentKeys";

test("a dispatch sends only its agent's own keys, and only those with a value", () => {
  const found = { ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o", PATH: "/bin" };
  assert.deepEqual(agentSecrets("claude", found), { ANTHROPIC_API_KEY: "a" });
  assert.deepEqual(agentSecrets("codex", found), { OPENAI_API_KEY: "o" });
  assert.deepEqual(agentSecrets("opencode", found), { ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: "o" });
  assert.deepEqual(agentSecrets("codex", { ANTHROPIC_API_KEY: "a", OPENAI_API_KEY: undefined }), {});
});

test("every key an agent reads can be stored in the editor", () => {
  const storable = new Set<string>(KEY_PROVIDERS.map((p) => p.variable));
  const read = Object.values(AGENT_KEYS).flat();
  assert.ok(read.length > 0);
  for (const k of read) assert.ok(storable.has(k), `${k} has a provider`);
});
