// A streaming Chat Completions request through the real proxy, against a local TLS server that
// answers like OpenAI (a usage chunk only when the request asks for one): the proxy asks for the
// usage when the client did not, or said no, and the task counts it; every other request reaches
// the upstream byte for byte as the client sent it.
import assert from "node:assert/strict";
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import { after, before, test } from "node:test";
import { startApiProxy, type ApiProxy } from "../../src/proxy/apiProxy";
import { TaskBudget } from "../../src/proxy/budget";
import { MAX_CHAT_BODY } from "../../src/proxy/chatUsage";
import type { BudgetLimits } from "../../src/shared/usageWords";
import { startTlsUpstream, type SeenRequest, type TlsUpstream } from "../../../test/support/tlsUpstream";

let upstream: TlsUpstream;

const data = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** The legacy Completions API: a JSON body with its usage, or a stream whose last chunk carries it only when asked. */
function completions(ask: { stream?: unknown; stream_options?: { include_usage?: unknown } }, res: ServerResponse): void {
  const base = { id: "cmpl-1", object: "text_completion", model: "gpt-3.5-turbo-instruct" };
  const usage = { prompt_tokens: 500, completion_tokens: 7, total_tokens: 507 };
  if (ask.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...base, choices: [{ text: "hi", index: 0 }], usage }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(data({ ...base, choices: [{ text: "hi", index: 0 }] }));
  if (ask.stream_options?.include_usage === true) res.write(data({ ...base, choices: [], usage }));
  res.end("data: [DONE]\n\n");
}

/** OpenAI's way: each chunk says `usage: null` and one more chunk carries it, only when asked. */
function answer(seen: SeenRequest, res: ServerResponse): void {
  let ask: { stream?: unknown; stream_options?: { include_usage?: unknown } } | undefined;
  try {
    ask = JSON.parse(seen.body) as typeof ask;
  } catch {
    ask = undefined;
  }
  if (ask && new URL(seen.url, "https://upstream").pathname === "/v1/completions") return completions(ask, res);
  if (!/^\/v1\/chat\/completions\/?$/i.test(new URL(seen.url, "https://upstream").pathname) || ask?.stream !== true) {
    res.writeHead(ask ? 200 : 400, { "content-type": "application/json" });
    res.end("{}");
    return;
  }
  const asked = ask.stream_options?.include_usage === true;
  const base = { id: "chatcmpl-1", object: "chat.completion.chunk", model: "gpt-4o" };
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(data({ ...base, choices: [{ index: 0, delta: { content: "hi" } }], ...(asked ? { usage: null } : {}) }));
  if (asked) res.write(data({ ...base, choices: [], usage: { prompt_tokens: 1200, completion_tokens: 34, total_tokens: 1234, prompt_tokens_details: { cached_tokens: 200 } } }));
  res.end("data: [DONE]\n\n");
}

before(async () => {
  upstream = await startTlsUpstream(answer);
});
after(async () => {
  await upstream?.close();
});

async function withProxy(run: (proxy: ApiProxy, budget: TaskBudget) => Promise<void>, limits: BudgetLimits = {}): Promise<void> {
  const at = { url: `${upstream.url}/`, ca: upstream.ca };
  const budget = new TaskBudget(limits);
  const proxy = await startApiProxy({ keys: { anthropic: "sk-ant-test", openai: "sk-openai-test" }, upstreams: { anthropic: at, openai: at }, budget });
  try {
    await run(proxy, budget);
  } finally {
    await proxy.close();
  }
}

/** POSTs the body, whole with its length, or in pieces without one (chunked, as a client streaming its upload does). */
async function post(proxy: ApiProxy, path: string, body: string, pieces = 1): Promise<string> {
  return (await postFor(proxy, path, body, pieces)).text;
}

function postFor(proxy: ApiProxy, path: string, body: string, pieces = 1): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body);
    const headers = { "content-type": "application/json", authorization: `Bearer ${proxy.token}`, ...(pieces === 1 ? { "content-length": String(bytes.length) } : {}) };
    const req = request({ agent: false, host: "127.0.0.1", port: proxy.port, path, method: "POST", headers }, (res: IncomingMessage) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject);
    const size = Math.ceil(bytes.length / pieces);
    for (let i = 0; i < bytes.length; i += size) req.write(bytes.subarray(i, i + size));
    req.end();
  });
}

/** What the upstream got last, and whether its content-length told the truth. */
function lastSeen(): { body: string; length: string | undefined } {
  const seen = upstream.seen.at(-1)!;
  const length = seen.headers["content-length"];
  if (length !== undefined) assert.equal(Number(length), Buffer.byteLength(seen.body), "content-length and body differ");
  return { body: seen.body, length: length as string | undefined };
}

// Odd spacing, a character past ASCII and a seed past 2^53: rewriting the whole body would show.
const STREAMING = '{ "model": "gpt-4o", "stream": true, "seed": 12345678901234567890,\n  "messages": [{"role": "user", "content": "h\\u00e9llo ✓"}] }';

test("a streaming chat request without stream_options asks the upstream for its usage, and the task counts the last chunk", { timeout: 30_000 }, async () => {
  for (const pieces of [1, 5]) {
    await withProxy(async (proxy, budget) => {
      const text = await post(proxy, "/openai/v1/chat/completions", STREAMING, pieces);
      const { body, length } = lastSeen();
      assert.equal(body, `{"stream_options":{"include_usage":true},${STREAMING.slice(1)}`, `in ${pieces} piece(s)`);
      assert.ok(length !== undefined, "the rewritten body goes with its length");
      assert.match(text, /"choices":\[\],"usage":\{"prompt_tokens":1200/);
      assert.match(text, /data: \[DONE\]/);
      const u = budget.usage();
      assert.deepEqual([u.tokensIn, u.tokensOut, u.requests], [1200, 34, 1]);
    });
  }
});

test("a chat path written another way (doubled or dot segments, upper case) is asked for its usage all the same", { timeout: 30_000 }, async () => {
  for (const path of ["/openai//v1/chat/completions", "/openai/v1/./chat/completions", "/openai/v1/x/../chat/completions", "/openai/V1/Chat/Completions/"]) {
    await withProxy(async (proxy, budget) => {
      await post(proxy, path, STREAMING);
      assert.equal(lastSeen().body, `{"stream_options":{"include_usage":true},${STREAMING.slice(1)}`, path);
      assert.equal(budget.usage().tokensIn, 1200, path);
    });
  }
});

test("a streaming chat request that says include_usage false is asked for it all the same; its other stream options stay", { timeout: 30_000 }, async () => {
  await withProxy(async (proxy, budget) => {
    const ask = { model: "gpt-4o", stream: true, stream_options: { include_usage: false, include_obfuscation: false }, messages: [] };
    await post(proxy, "/openai/v1/chat/completions", JSON.stringify(ask));
    const sent = JSON.parse(lastSeen().body) as typeof ask;
    assert.deepEqual(sent, { ...ask, stream_options: { include_usage: true, include_obfuscation: false } });
    assert.equal(budget.usage().tokensOut, 34);
  });
});

test("every other request reaches the upstream byte for byte: not streaming, already asking, another API, not JSON", { timeout: 30_000 }, async () => {
  const same: [string, string][] = [
    ["/openai/v1/chat/completions", '{ "model": "gpt-4o", "stream": false, "messages": [] }'],
    ["/openai/v1/chat/completions", '{"stream": "true", "messages": []}'],
    ["/openai/v1/chat/completions", '{ "stream": true, "stream_options": { "include_usage": true } }'],
    ["/openai/v1/responses", '{ "model": "gpt-5", "stream": true, "input": "hi" }'],
    ["/anthropic/v1/messages", '{ "model": "claude-sonnet-4-5", "stream": true }'],
    ["/openai/v1/chat/completions", '{ "stream": true, "messages": ['],
    ["/openai/v1/chat/completions", '[{ "stream": true }]'],
  ];
  await withProxy(async (proxy) => {
    for (const [path, body] of same) {
      await post(proxy, path, body);
      const seen = lastSeen();
      assert.equal(seen.body, body, path);
      assert.equal(seen.length, String(Buffer.byteLength(body)), path);
    }
  });
});

test("the legacy Completions API is counted: its JSON answer's usage, and a stream asked for its usage as chat is", { timeout: 30_000 }, async () => {
  const ask = '{ "model": "gpt-3.5-turbo-instruct", "prompt": "Say hi", "stream": true }';
  await withProxy(async (proxy, budget) => {
    await post(proxy, "/openai/v1/completions", '{ "model": "gpt-3.5-turbo-instruct", "prompt": "Say hi" }');
    assert.deepEqual([budget.usage().tokensIn, budget.usage().tokensOut, budget.usage().requests], [500, 7, 1]);
    const text = await post(proxy, "/openai/v1/completions", ask, 3);
    assert.equal(lastSeen().body, `{"stream_options":{"include_usage":true},${ask.slice(1)}`);
    assert.match(text, /"choices":\[\],"usage":\{"prompt_tokens":500/);
    assert.deepEqual([budget.usage().tokensIn, budget.usage().tokensOut, budget.usage().requests], [1000, 14, 2]);
  });
});

const OVER_BOUND = `{"stream": true, "messages": [{"role": "user", "content": "${"x".repeat(MAX_CHAT_BODY)}"}]}`;

test("a chat request over the bound goes on unread, with or without its length, when the task has no budget", { timeout: 60_000 }, async () => {
  await withProxy(async (proxy) => {
    for (const pieces of [1, 64]) {
      await post(proxy, "/openai/v1/chat/completions", OVER_BOUND, pieces);
      const seen = lastSeen();
      assert.ok(seen.body === OVER_BOUND, `in ${pieces} piece(s): the body changed`);
    }
  });
});

test("under a budget a (chat) completions request over the bound is refused with a sentence that names the bound, and nothing goes upstream", { timeout: 60_000 }, async () => {
  await withProxy(
    async (proxy, budget) => {
      for (const [path, pieces] of [["/openai/v1/chat/completions", 1], ["/openai/v1/chat/completions", 64], ["/openai/v1/completions", 64]] as const) {
        const before = upstream.seen.length;
        const { status, text } = await postFor(proxy, path, OVER_BOUND, pieces);
        assert.equal(status, 413, `${path} in ${pieces} piece(s)`);
        assert.match((JSON.parse(text) as { error: { message: string } }).error.message, /^This request is over 32 MiB, .*budget, so it was not sent\.$/);
        assert.equal(upstream.seen.length, before, "the request went upstream");
      }
      // A request within the bound still goes through and is counted.
      await post(proxy, "/openai/v1/chat/completions", STREAMING);
      assert.equal(budget.usage().tokensIn, 1200);
    },
    { maxTokens: 1_000_000 },
  );
});
