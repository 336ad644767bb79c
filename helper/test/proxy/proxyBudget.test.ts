// The real key proxy counting a task's usage, against a local TLS server that answers like the
// vendors (a JSON body, or an SSE stream in several chunks whose rest it holds until the client
// has seen the first event): the totals, the stream not held back, the cost estimate, an unknown
// model, the refusal once the budget is used, and a stream the client drops counted once.
import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import type { ServerResponse } from "node:http";
import { after, before, test } from "node:test";
import { startApiProxy } from "../../src/proxy/apiProxy";
import { TaskBudget } from "../../src/proxy/budget";
import type { BudgetLimits } from "../../src/shared/usageWords";
import { startTlsUpstream, type SeenRequest, type TlsUpstream } from "../../../test/support/tlsUpstream";

let upstream: TlsUpstream;
/** Streams wait here for the test to let their rest go. */
const held: (() => void)[] = [];

const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function answer(seen: SeenRequest, res: ServerResponse): void {
  const ask = JSON.parse(seen.body) as { model: string; stream?: boolean; input: number; output: number };
  if (!ask.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ type: "message", model: ask.model, usage: { input_tokens: ask.input, output_tokens: ask.output } }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(sse("message_start", { type: "message_start", message: { model: ask.model, usage: { input_tokens: ask.input, output_tokens: 1 } } }));
  held.push(() => {
    // The rest in pieces that cut an event in half.
    const rest = sse("message_delta", { type: "message_delta", usage: { output_tokens: Math.floor(ask.output / 2) } }) + sse("message_delta", { type: "message_delta", usage: { output_tokens: ask.output } }) + sse("message_stop", { type: "message_stop" });
    const cut = Math.floor(rest.length / 3);
    res.write(rest.slice(0, cut));
    res.write(rest.slice(cut, 2 * cut));
    res.end(rest.slice(2 * cut));
  });
}

before(async () => {
  upstream = await startTlsUpstream(answer);
});
after(async () => {
  await upstream?.close();
});

async function proxyWith(budget: TaskBudget) {
  const at = { url: `${upstream.url}/`, ca: upstream.ca };
  return startApiProxy({ keys: { anthropic: "sk-ant-test", openai: "sk-openai-test" }, upstreams: { anthropic: at, openai: at }, budget });
}

function post(port: number, token: string, body: object): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // Clients ask for compressed answers; the proxy must not let the vendor compress (it could not read the usage).
    const headers = { "content-type": "application/json", "x-api-key": token, "accept-encoding": "gzip, deflate, br" };
    const req = request({ agent: false, host: "127.0.0.1", port, path: "/anthropic/v1/messages", method: "POST", headers }, resolve);
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const readAll = (res: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = "";
    res.on("data", (c: Buffer) => (text += c.toString()));
    res.on("end", () => resolve(text));
  });

/** Reads a stream: its first event arrives while the upstream holds the rest; then lets the rest go. */
async function readStream(res: IncomingMessage): Promise<{ first: string; all: string }> {
  let text = "";
  const first = await new Promise<string>((resolve) => {
    res.on("data", (c: Buffer) => {
      text += c.toString();
      if (text.includes("\n\n") && held.length > 0) resolve(text);
    });
  });
  held.splice(0).forEach((go) => go());
  await new Promise<void>((resolve) => res.on("end", resolve));
  return { first, all: text };
}

test("a JSON answer and a stream are counted into the task's totals, with an estimated cost; the stream is not held back", { timeout: 30_000 }, async () => {
  const budget = new TaskBudget();
  const changes: number[] = [];
  budget.onChange((u) => changes.push(u.tokensIn + u.tokensOut));
  const proxy = await proxyWith(budget);
  try {
    const json = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", input: 1000, output: 200 });
    assert.equal(json.statusCode, 200);
    await readAll(json);
    assert.equal(upstream.seen.at(-1)!.headers["accept-encoding"], undefined);
    const streamed = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", stream: true, input: 3000, output: 800 });
    const { first, all } = await readStream(streamed);
    // Seen by the client before the upstream sent the rest: a buffering proxy never gets here.
    assert.match(first, /message_start/);
    assert.doesNotMatch(first, /message_delta/);
    assert.match(all, /message_stop/);
    assert.deepEqual(changes, [1200, 5000]);
    const u = budget.usage();
    assert.equal(u.tokensIn, 4000);
    assert.equal(u.tokensOut, 1000);
    assert.equal(u.requests, 2);
    assert.equal(u.costUsd?.toFixed(4), ((4000 * 3 + 1000 * 15) / 1e6).toFixed(4));
    assert.equal(u.costPartial, undefined);
  } finally {
    await proxy.close();
  }
});

test("an unknown model's tokens count, without a cost", { timeout: 30_000 }, async () => {
  const budget = new TaskBudget();
  const proxy = await proxyWith(budget);
  try {
    await readAll(await post(proxy.port, proxy.token, { model: "local-llama", input: 50, output: 5 }));
    assert.deepEqual(budget.usage(), { tokensIn: 50, tokensOut: 5, requests: 1, costPartial: true });
  } finally {
    await proxy.close();
  }
});

test("past the token limit the proxy refuses further requests with a clear error, and nothing more goes upstream", { timeout: 30_000 }, async () => {
  const budget = new TaskBudget({ maxTokens: 1500 });
  const exhausted: BudgetLimits[] = [];
  budget.onExhausted((s) => exhausted.push(s));
  const proxy = await proxyWith(budget);
  try {
    const ok = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", stream: true, input: 1000, output: 100 });
    await readStream(ok);
    assert.equal(budget.exhausted(), undefined);
    await readStream(await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", stream: true, input: 300, output: 200 }));
    assert.deepEqual(exhausted, [{ maxTokens: 1500 }]);
    const sent = upstream.seen.length;
    const refused = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", input: 1, output: 1 });
    assert.equal(refused.statusCode, 402);
    const body = JSON.parse(await readAll(refused)) as { error: { message: string } };
    assert.equal(body.error.message, "This task used its budget of 1,500 tokens. nixlima refuses its further model requests.");
    assert.equal(upstream.seen.length, sent);
    assert.equal(proxy.stats.overBudget, 1);
    assert.equal(budget.usage().tokensIn + budget.usage().tokensOut, 1600);
  } finally {
    await proxy.close();
  }
});

test("past a cost limit the proxy refuses too", { timeout: 30_000 }, async () => {
  const budget = new TaskBudget({ maxCostUsd: 0.01 });
  const proxy = await proxyWith(budget);
  try {
    // 2000 × $3 + 300 × $15 per million = $0.0105.
    await readAll(await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", input: 2000, output: 300 }));
    const refused = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", input: 1, output: 1 });
    assert.equal(refused.statusCode, 402);
    assert.match(await readAll(refused), /This task used its budget of \$0\.01 \(estimated\)\./);
  } finally {
    await proxy.close();
  }
});

test("a stream the client drops midway is counted with what it stated before the drop, and the next answer beside it", { timeout: 30_000 }, async () => {
  const budget = new TaskBudget();
  const counted = new Promise<void>((resolve) => budget.onChange(() => resolve()));
  const proxy = await proxyWith(budget);
  try {
    const res = await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", stream: true, input: 700, output: 90 });
    let text = "";
    await new Promise<void>((resolve) => res.on("data", (c: Buffer) => (text += c.toString()).includes("\n\n") && resolve()));
    res.destroy();
    await counted;
    assert.deepEqual([budget.usage().tokensIn, budget.usage().tokensOut, budget.usage().requests], [700, 1, 1]);
    // The upstream sends the rest into the closed connection; the next answer is counted beside the dropped one.
    held.splice(0).forEach((go) => go());
    await readAll(await post(proxy.port, proxy.token, { model: "claude-sonnet-4-5", input: 10, output: 2 }));
    assert.deepEqual([budget.usage().tokensIn, budget.usage().tokensOut, budget.usage().requests], [710, 3, 2]);
  } finally {
    await proxy.close();
  }
});
