// Reading usage from each API's answers, fed in awkward chunks as a network delivers them; the
// cost estimate, the budget's totals and limits, and the words people see.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskBudget } from "../../src/proxy/budget";
import { estimateCost } from "../../src/proxy/pricing";
import { UsageReader, type ResponseUsage } from "../../src/proxy/usage";
import { addUsages, budgetSentence, budgetStopSentence, describeUsage, formatTokens, parseCostLimit, parseTokenLimit, reachedLimit, type BudgetLimits } from "../../src/shared/usageWords";

/** Feeds the text in chunks of `size` bytes (splitting lines and multi-byte characters). */
function read(text: string, stream: boolean, size = 7): ResponseUsage | undefined {
  const reader = new UsageReader(stream);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
  return reader.end();
}

const sse = (...events: [string, unknown][]) => events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join("");

test("Anthropic Messages: a JSON body's usage, cache reads and writes apart", () => {
  const body = JSON.stringify({ type: "message", model: "claude-sonnet-4-5", content: [{ type: "text", text: "héllo ✓" }], usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 } });
  assert.deepEqual(read(body, false), { model: "claude-sonnet-4-5", input: 120, output: 30, cacheRead: 1000, cacheWrite: 50 });
});

test("Anthropic Messages stream: message_start's usage, then message_delta's running totals (the last one counts, not their sum)", () => {
  const text = sse(
    ["message_start", { type: "message_start", message: { model: "claude-opus-4-1", usage: { input_tokens: 500, output_tokens: 1, cache_read_input_tokens: 200 } } }],
    ["content_block_delta", { type: "content_block_delta", delta: { type: "text_delta", text: "ünïcode ✓ over chunk edges" } }],
    ["message_delta", { type: "message_delta", usage: { output_tokens: 40 } }],
    ["message_delta", { type: "message_delta", usage: { output_tokens: 90 } }],
    ["message_stop", { type: "message_stop" }],
  );
  for (const size of [1, 5, 64, 4096]) assert.deepEqual(read(text, true, size), { model: "claude-opus-4-1", input: 500, output: 90, cacheRead: 200, cacheWrite: 0 }, `chunks of ${size}`);
});

test("OpenAI Responses: the response.completed event's usage; cached input apart", () => {
  const text = sse(
    ["response.created", { type: "response.created", response: { model: "gpt-5-codex", usage: null } }],
    ["response.output_text.delta", { type: "response.output_text.delta", delta: "hi" }],
    ["response.completed", { type: "response.completed", response: { model: "gpt-5-codex", usage: { input_tokens: 1200, input_tokens_details: { cached_tokens: 200 }, output_tokens: 300 } } }],
  );
  assert.deepEqual(read(text, true), { model: "gpt-5-codex", input: 1000, output: 300, cacheRead: 200, cacheWrite: 0 });
  const body = JSON.stringify({ object: "response", model: "gpt-4.1", usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5 } });
  assert.deepEqual(read(body, false), { model: "gpt-4.1", input: 10, output: 5, cacheRead: 0, cacheWrite: 0 });
});

test("OpenAI Chat Completions: JSON usage, and a stream's last chunk (with [DONE] and CRLF lines)", () => {
  const body = JSON.stringify({ object: "chat.completion", model: "gpt-4o-mini", usage: { prompt_tokens: 70, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 20 } } });
  assert.deepEqual(read(body, false), { model: "gpt-4o-mini", input: 50, output: 12, cacheRead: 20, cacheWrite: 0 });
  const chunk = (extra: object) => `data: ${JSON.stringify({ object: "chat.completion.chunk", model: "gpt-4o", ...extra })}\r\n\r\n`;
  const text = chunk({ choices: [{ delta: { content: "a" } }], usage: null }) + chunk({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 3 } }) + "data: [DONE]\r\n\r\n";
  assert.deepEqual(read(text, true, 3), { model: "gpt-4o", input: 9, output: 3, cacheRead: 0, cacheWrite: 0 });
});

test("a stream's usage is found wherever the chunks cut it: a long line over many chunks, \"usage\": null before it, white space around the colon", () => {
  const long = `data: ${JSON.stringify({ type: "response.completed", response: { model: "gpt-5", output: [{ text: "y".repeat(50_000) }], usage: null } }).replace('"usage":null}}', '"usage" :\t{"input_tokens":70,"input_tokens_details":{"cached_tokens":0},"output_tokens":9}}}')}\n\n`;
  const text = `data: {"choices":[{"delta":{"content":"usage"}}],"usage":null}\n\n${long}data: [DONE]\n\n`;
  assert.match(long, /"usage" :\t\{/);
  for (const size of [1, 3, 6, 7, 8, 1000, 16_384, 65_536]) assert.deepEqual(read(text, true, size), { model: "gpt-5", input: 70, output: 9, cacheRead: 0, cacheWrite: 0 }, `chunks of ${size}`);
  // "usage" cut at every place between two chunks.
  const at = text.indexOf('"usage" :');
  for (let cut = at - 1; cut <= at + 12; cut++) {
    const reader = new UsageReader(true);
    const bytes = Buffer.from(text);
    reader.write(bytes.subarray(0, cut));
    reader.write(bytes.subarray(cut));
    assert.equal(reader.end()?.input, 70, `cut at ${cut - at}`);
  }
});

test("an answer without usage, an error, or not JSON counts nothing", () => {
  assert.equal(read('{"type":"error","error":{"message":"overloaded"}}', false), undefined);
  assert.equal(read("<html>bad gateway</html>", false), undefined);
  assert.equal(read(sse(["ping", { type: "ping" }]), true), undefined);
  assert.equal(read("", true), undefined);
});

test("the cost estimate follows the model family; an unknown model has none", () => {
  const u = (model: string): ResponseUsage => ({ model, input: 1_000_000, output: 100_000, cacheRead: 1_000_000, cacheWrite: 0 });
  assert.equal(estimateCost(u("claude-sonnet-4-5-20250929"))!.toFixed(2), "4.80"); // 3 + 1.5 + 0.3
  assert.equal(estimateCost(u("claude-opus-4-1"))!.toFixed(2), "24.00"); // 15 + 7.5 + 1.5
  assert.equal(estimateCost(u("gpt-5-mini"))!.toFixed(3), "0.475"); // 0.25 + 0.2 + 0.025
  assert.equal(estimateCost(u("gpt-5"))!.toFixed(3), "2.375"); // 1.25 + 1 + 0.125
  assert.equal(estimateCost(u("llama-3-70b")), undefined);
  assert.equal(estimateCost({ input: 5, output: 5, cacheRead: 0, cacheWrite: 0 }), undefined);
});

test("the budget adds tokens in (cache included) and out, stops at a token limit once, and says so", () => {
  const budget = new TaskBudget({ maxTokens: 2000 });
  const seen: BudgetLimits[] = [];
  budget.onExhausted((s) => seen.push(s));
  budget.add({ model: "claude-sonnet-4", input: 500, output: 100, cacheRead: 300, cacheWrite: 100 });
  assert.equal(budget.exhausted(), undefined);
  assert.deepEqual(budget.usage(), { tokensIn: 900, tokensOut: 100, requests: 1, costUsd: (500 * 3 + 100 * 15 + 300 * 0.3 + 100 * 3.75) / 1e6 });
  budget.add({ model: "claude-sonnet-4", input: 900, output: 100, cacheRead: 0, cacheWrite: 0 });
  assert.deepEqual(budget.exhausted(), { maxTokens: 2000 });
  budget.add({ model: "claude-sonnet-4", input: 1, output: 1, cacheRead: 0, cacheWrite: 0 });
  assert.deepEqual(seen, [{ maxTokens: 2000 }]);
});

test("a cost limit counts only priced answers; an unknown model's tokens count but its cost is marked partial", () => {
  const budget = new TaskBudget({ maxCostUsd: 0.5, maxTokens: 100_000_000 });
  budget.add({ model: "mystery-1", input: 10_000_000, output: 0, cacheRead: 0, cacheWrite: 0 });
  assert.equal(budget.exhausted(), undefined);
  assert.equal(budget.usage().costUsd, undefined);
  assert.equal(budget.usage().costPartial, true);
  assert.equal(describeUsage(budget.usage()), "10M in · 0 out");
  budget.add({ model: "gpt-4o", input: 200_000, output: 0, cacheRead: 0, cacheWrite: 0 });
  assert.deepEqual(budget.exhausted(), { maxCostUsd: 0.5 });
  assert.equal(describeUsage(budget.usage()), "10.2M in · 0 out · ~$0.50+");
});

test("usage words: tokens in k and M, a fleet's total, the budget sentence", () => {
  assert.deepEqual([950, 12_345, 123_456, 1_500_000].map(formatTokens), ["950", "12.3k", "123k", "1.5M"]);
  assert.equal(describeUsage({ tokensIn: 12_300, tokensOut: 1_200, costUsd: 0.0512, requests: 3 }), "12.3k in · 1.2k out · ~$0.05");
  const total = addUsages([
    { tokensIn: 1000, tokensOut: 10, costUsd: 0.01, requests: 1 },
    { tokensIn: 2000, tokensOut: 20, requests: 2, costPartial: true },
  ]);
  assert.deepEqual(total, { tokensIn: 3000, tokensOut: 30, costUsd: 0.01, costPartial: true, requests: 3 });
  assert.equal(addUsages([]), undefined);
  assert.equal(budgetSentence({ maxTokens: 50_000, maxCostUsd: 2 }), "Stopped: the task used its budget of 50,000 tokens or $2.00 (estimated).");
});

test("the budget sentence names the limit reached, speaks of the stopped task or the one still asking, and takes an aside", () => {
  const usage = { tokensIn: 40_000, tokensOut: 0, costUsd: 2.5, requests: 3 };
  assert.deepEqual(reachedLimit({ maxTokens: 50_000, maxCostUsd: 2 }, usage), { maxCostUsd: 2 });
  assert.equal(reachedLimit({ maxTokens: 50_000 }, usage), undefined);
  assert.equal(budgetSentence({ maxTokens: 1500 }, { subject: "asking" }), "This task used its budget of 1,500 tokens.");
  assert.equal(budgetStopSentence({ maxTokens: 50_000, maxCostUsd: 2, usage }, "claude in a-1, 3 rounds"), "Stopped: the task used its budget of $2.00 (estimated) (claude in a-1, 3 rounds).");
  // A stop whose usage was not kept names every limit it had.
  assert.equal(budgetStopSentence({ maxTokens: 50_000, maxCostUsd: 2 }), "Stopped: the task used its budget of 50,000 tokens or $2.00 (estimated).");
});

test("--max-tokens and --max-cost values: accepted forms, and one clear sentence for the rest", () => {
  assert.deepEqual(["200000", "200k", "1.5M", " 50K "].map(parseTokenLimit), [200_000, 200_000, 1_500_000, 50_000]);
  for (const bad of ["", "0", "-5", "lots", "1e6", "5 k", "0.0001"]) assert.throws(() => parseTokenLimit(bad), /is not a token limit; use a whole number of tokens such as 200000, 200k or 1\.5M\./, bad);
  assert.deepEqual(["2", "0.50", "$5", ".25"].map(parseCostLimit), [2, 0.5, 5, 0.25]);
  for (const bad of ["", "0", "$0", "-1", "two", "5 USD", "1,50"]) assert.throws(() => parseCostLimit(bad), /is not a cost limit; use an amount of US dollars above zero such as 2 or 0\.50\./, bad);
});
