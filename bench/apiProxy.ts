// The per-task model-API proxy (helper/src/proxy/apiProxy.ts) against talking to the API directly:
// a local TLS server stands in for the vendor. Per request: the median time of a small answer,
// direct and through the proxy (the difference is the proxy's overhead). Streaming: MiB/s of a long
// Server-Sent Events answer, direct and through the proxy, as a ratio (goal ≥ 0.95). Both clients
// keep their connection alive, as the agents' own HTTP clients do.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { STREAM_MIB } from "./apiProxyParts";
import { makeTestCa } from "../test/support/tlsUpstream";
import { median, report } from "./stats";

const REQUESTS = 200;
const STREAM_RUNS = 9;
/** A streaming chat request with an agent's context of about this size. */
const CHAT_KIB = 200;
const CHAT_ASK = JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "context ".repeat((CHAT_KIB * 1024) / 8) }] });

/** Forks one part of bench/apiProxyParts.ts; resolves with what it sends back. */
function startPart(data: Record<string, string>): Promise<{ child: ChildProcess; port: number; token?: string }> {
  const child = fork(fileURLToPath(new URL("./apiProxyParts.ts", import.meta.url)), { execArgv: ["--import", "tsx"] });
  child.send(data);
  return new Promise((resolve, reject) => {
    child.once("message", (m: { port: number; token?: string }) => resolve({ child, ...m }));
    child.once("error", reject);
  });
}

type Send = (path: string, body?: string) => Promise<number>;

/** One request; resolves with the answer's size in bytes once it has all come. */
function drain(res: IncomingMessage, resolve: (bytes: number) => void): void {
  let bytes = 0;
  res.on("data", (c: Buffer) => (bytes += c.length));
  res.on("end", () => resolve(bytes));
}

async function timeEach(send: Send, path: string, n: number, body?: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await send(path, body);
    times.push(performance.now() - start);
  }
  return times;
}

/** CPU time (user + system, ms) of this process, or of the proxy's when given. */
async function cpuMs(proxy?: ChildProcess): Promise<number> {
  const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  if (!proxy) return ms(process.cpuUsage());
  proxy.send("cpu");
  return new Promise((resolve) => proxy.once("message", (m: { cpu: NodeJS.CpuUsage }) => resolve(ms(m.cpu))));
}

interface StreamRun {
  mibPerS: number;
  /** CPU spent per MiB by the client, and by the proxy when there is one. */
  cpuPerMib: number;
}

async function streamOnce(send: Send, proxy?: ChildProcess): Promise<StreamRun> {
  const cpu = async () => (await cpuMs()) + (proxy ? await cpuMs(proxy) : 0);
  const before = await cpu();
  const start = performance.now();
  const mib = (await send("/anthropic/v1/stream")) / 1024 / 1024;
  const seconds = (performance.now() - start) / 1000;
  return { mibPerS: mib / seconds, cpuPerMib: ((await cpu()) - before) / mib };
}

/**
 * Direct and proxied streams taken in turns, each pair's ratio kept: the machine's load drifts
 * (its cores are shared), and five direct runs followed by five proxied ones measured the drift as
 * much as the proxy. The CPU per MiB does not depend on that load: with every core busy, the
 * throughput ratio is about the ratio of the CPU the two ways spend.
 */
async function streamRates(direct: Send, proxied: Send, proxy: ChildProcess) {
  const pairs: [StreamRun, StreamRun][] = [];
  for (let i = 0; i < STREAM_RUNS; i++) pairs.push([await streamOnce(direct), await streamOnce(proxied, proxy)]);
  const of = (pick: (pair: [StreamRun, StreamRun]) => number) => median(pairs.map(pick));
  return { direct: of(([d]) => d.mibPerS), proxied: of(([, p]) => p.mibPerS), ratio: of(([d, p]) => p.mibPerS / d.mibPerS), directCpu: of(([d]) => d.cpuPerMib), proxiedCpu: of(([, p]) => p.cpuPerMib) };
}

export async function benchApiProxy(): Promise<void> {
  const testCa = makeTestCa();
  const { caFile, key, cert } = testCa;
  const ca = readFileSync(caFile);
  const vendor = await startPart({ part: "vendor", key: key.toString(), cert: cert.toString() });
  const vendorUrl = `https://127.0.0.1:${vendor.port}`;
  const proxy = await startPart({ part: "proxy", vendorUrl, ca: ca.toString() });
  const httpsAgent = new HttpsAgent({ keepAlive: true, ca });
  const httpAgent = new HttpAgent({ keepAlive: true });
  // Paths under /anthropic or /openai; the proxy's key is the bearer token on both.
  const direct: Send = (path, body = "{}") =>
    new Promise((resolve, reject) => httpsRequest(`${vendorUrl}${path}`, { method: "POST", agent: httpsAgent, headers: { "x-api-key": "real-key" } }, (res) => drain(res, resolve)).on("error", reject).end(body));
  const proxied: Send = (path, body = "{}") =>
    new Promise((resolve, reject) => httpRequest(`http://127.0.0.1:${proxy.port}${path}`, { method: "POST", agent: httpAgent, headers: { authorization: `Bearer ${proxy.token}` } }, (res) => drain(res, resolve)).on("error", reject).end(body));
  try {
    await timeEach(direct, "/anthropic/v1/small", 20); // warm both paths (TLS session, JIT)
    await timeEach(proxied, "/anthropic/v1/small", 20);
    const directMs = median(await timeEach(direct, "/anthropic/v1/small", REQUESTS));
    const proxiedMs = median(await timeEach(proxied, "/anthropic/v1/small", REQUESTS));
    // A streaming Chat Completions request is the one whose body the proxy reads (and asks for usage).
    const directChatMs = median(await timeEach(direct, "/openai/v1/chat/completions", REQUESTS, CHAT_ASK));
    const proxiedChatMs = median(await timeEach(proxied, "/openai/v1/chat/completions", REQUESTS, CHAT_ASK));
    await streamOnce(direct); // warm both streaming paths
    await streamOnce(proxied, proxy.child);
    const rates = await streamRates(direct, proxied, proxy.child);
    report("model-API proxy (vendor stand-in, proxy and client: three processes)", {
      [`request, direct (ms, median of ${REQUESTS})`]: directMs,
      [`request, through the proxy (ms, median of ${REQUESTS})`]: proxiedMs,
      "proxy overhead per request (ms)": proxiedMs - directMs,
      [`streaming chat request of ${CHAT_KIB} KiB, direct (ms, median)`]: directChatMs,
      [`streaming chat request of ${CHAT_KIB} KiB, through the proxy (ms)`]: proxiedChatMs,
      "proxy overhead per streaming chat request (ms)": proxiedChatMs - directChatMs,
      [`stream ${STREAM_MIB} MiB, direct (MiB/s, median of ${STREAM_RUNS})`]: rates.direct,
      [`stream ${STREAM_MIB} MiB, through the proxy (MiB/s)`]: rates.proxied,
      "streaming through the proxy ÷ direct, median of pairs (goal ≥ 0.95)": rates.ratio,
      "CPU per MiB streamed, client direct (ms)": rates.directCpu,
      "CPU per MiB streamed, client and proxy (ms)": rates.proxiedCpu,
    });
  } finally {
    httpsAgent.destroy();
    httpAgent.destroy();
    vendor.child.kill();
    proxy.child.kill();
    testCa.dispose();
  }
}
