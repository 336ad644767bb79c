// The task's model-API proxy against a local TLS server with a CA of its own (the vendors' APIs
// cannot be reached here): only the task's token is accepted, the real key replaces it on the way
// out, the SSE answer streams through before the upstream has finished it, an upstream whose
// certificate is not trusted gets nothing, and the proxy is gone once closed.
import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import { after, before, test } from "node:test";
import { startApiProxy, type ApiProxy } from "../../src/proxy/apiProxy";
import { startTlsUpstream, type TlsUpstream } from "../../../test/support/tlsUpstream";

const KEY = `sk-ant-planted-${Date.now().toString(36)}`;
const OPENAI_KEY = `sk-openai-planted-${Date.now().toString(36)}`;
let upstream: TlsUpstream;
let proxy: ApiProxy;

before(async () => {
  upstream = await startTlsUpstream();
  const at = { url: `${upstream.url}/`, ca: upstream.ca };
  proxy = await startApiProxy({ keys: { anthropic: KEY, openai: OPENAI_KEY }, upstreams: { anthropic: at, openai: at } });
});
after(async () => {
  await proxy?.close();
  await upstream?.close();
});

function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ agent: false, host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", ...headers } }, resolve);
    req.on("error", reject);
    req.end(body);
  });
}

const readAll = (res: IncomingMessage) => new Promise<string>((resolve) => {
  let text = "";
  res.on("data", (c: Buffer) => (text += c.toString()));
  res.on("end", () => resolve(text));
});

test("with the task's token the request reaches the API with the real key instead, and the stream arrives as it is sent", { timeout: 30_000 }, async () => {
  const res = await post(proxy.port, "/anthropic/v1/messages?beta=true", { "x-api-key": proxy.token, "anthropic-version": "2023-06-01" }, '{"model":"m","stream":true}');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["content-type"], "text/event-stream");
  // The first event must come through while the upstream still holds back the rest: a buffering proxy never gets past this.
  let text = "";
  await new Promise<void>((resolve) => {
    res.on("data", (c: Buffer) => {
      text += c.toString();
      if (text.includes("event: first")) resolve();
    });
  });
  assert.doesNotMatch(text, /second/);
  upstream.release();
  await new Promise<void>((resolve) => res.on("end", resolve));
  assert.match(text, /event: second/);

  const seen = upstream.seen.at(-1)!;
  assert.equal(seen.url, "/v1/messages?beta=true");
  assert.equal(seen.headers["x-api-key"], KEY);
  assert.equal(seen.headers["anthropic-version"], "2023-06-01");
  assert.equal(seen.body, '{"model":"m","stream":true}');
  assert.ok(!JSON.stringify(seen.headers).includes(proxy.token), "the token went upstream");
});

test("OpenAI's route takes the token as a bearer and sends the OpenAI key", { timeout: 30_000 }, async () => {
  upstream.release();
  const res = await post(proxy.port, "/openai/v1/chat/completions", { authorization: `Bearer ${proxy.token}` }, "{}");
  assert.equal(res.statusCode, 200);
  await readAll(res);
  const seen = upstream.seen.at(-1)!;
  assert.equal(seen.url, "/v1/chat/completions");
  assert.equal(seen.headers.authorization, `Bearer ${OPENAI_KEY}`);
  assert.equal(seen.headers["x-api-key"], undefined);
});

test("a wrong, missing or other key is refused and nothing goes upstream", { timeout: 30_000 }, async () => {
  const before = upstream.seen.length;
  const refusedBefore = proxy.stats.refused;
  const attempts: Record<string, string>[] = [{}, { "x-api-key": `${proxy.token}x` }, { "x-api-key": KEY }, { authorization: "Bearer nope" }];
  for (const headers of attempts) {
    const res = await post(proxy.port, "/anthropic/v1/messages", headers, "{}");
    assert.equal(res.statusCode, 401);
    assert.match(await readAll(res), /accepts only the token of its own task/);
  }
  assert.equal(upstream.seen.length, before);
  assert.equal(proxy.stats.refused, refusedBefore + 4);
  const lost = await post(proxy.port, "/elsewhere", { "x-api-key": proxy.token }, "{}");
  assert.equal(lost.statusCode, 404);
});

test("an upstream whose certificate is not trusted gets no request; a closed proxy takes no connection", { timeout: 30_000 }, async () => {
  const strict = await startApiProxy({ keys: { anthropic: KEY }, upstreams: { anthropic: { url: `${upstream.url}/` }, openai: { url: `${upstream.url}/` } } });
  const before = upstream.seen.length;
  const res = await post(strict.port, "/anthropic/v1/messages", { "x-api-key": strict.token }, "{}");
  assert.equal(res.statusCode, 502);
  assert.match(await readAll(res), /The anthropic API could not be reached from the host\./);
  assert.equal(upstream.seen.length, before);
  await strict.close();
  await assert.rejects(post(strict.port, "/anthropic/v1/messages", { "x-api-key": strict.token }, "{}"), /ECONNREFUSED/);
});
