// The per-task model-API proxy (helper/src/proxy/apiProxy.ts) against talking to the API directly:
// a local TLS server stands in for the vendor. Per request: the median time of a small answer,
// direct and through the proxy (the difference is the proxy's overhead). Streaming: MiB/s of a long
// Server-Sent Events answer, direct and through the proxy, as a ratio (goal ≥ 0.95), twice: sent at
// a fast link's pace (the proxy must not hold a stream back), and as fast as the CPU allows, beside
// the same stream through a bare TCP relay (the floor of any hop here: with the machine's cores
// busy, a ratio follows the CPU each way spends per MiB, also shown).
// The clients keep their connections alive, as the agents' own HTTP clients do.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { PACED_MIB_PER_S, STREAM_MIB } from "./apiProxyParts";
import { makeTestCa } from "../test/support/tlsUpstream";
import { median, report } from "./stats";

const REQUESTS = 200;
const FLAT = "/anthropic/v1/stream";
const PACED = "/anthropic/v1/paced";
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
  /** CPU spent per MiB by the client, and by the hop when there is one. */
  cpuPerMib: number;
}

async function streamOnce(path: string, send: Send, hop?: ChildProcess): Promise<StreamRun> {
  const cpu = async () => (await cpuMs()) + (hop ? await cpuMs(hop) : 0);
  const before = await cpu();
  const start = performance.now();
  const mib = (await send(path)) / 1024 / 1024;
  const seconds = (performance.now() - start) / 1000;
  return { mibPerS: mib / seconds, cpuPerMib: ((await cpu()) - before) / mib };
}

type Way = [Send, ChildProcess?];

/**
 * Streams direct, through a bare TCP relay and through the proxy, taken in turns, each turn's
 * ratios to its direct run kept: the machine's load drifts (its cores are shared), and five
 * direct runs followed by five proxied ones measured the drift as much as the proxy. The CPU per
 * MiB does not depend on that load: with every core busy, a throughput ratio is about the ratio
 * of the CPU the two ways spend. The relay shows what any extra hop costs here (loopback TCP alone
 * took about 1 ms of kernel time per MiB on each side on this machine).
 */
async function streamRates(path: string, direct: Way, ...others: Way[]) {
  const turns: StreamRun[][] = [];
  for (let i = 0; i < STREAM_RUNS; i++) {
    const turn: StreamRun[] = [];
    for (const [send, hop] of [direct, ...others]) turn.push(await streamOnce(path, send, hop));
    turns.push(turn);
  }
  return [direct, ...others].map((_, way) => ({
    mibPerS: median(turns.map((t) => t[way]!.mibPerS)),
    ratio: median(turns.map((t) => t[way]!.mibPerS / t[0]!.mibPerS)),
    cpuPerMib: median(turns.map((t) => t[way]!.cpuPerMib)),
  }));
}

export async function benchApiProxy(): Promise<void> {
  const testCa = makeTestCa();
  const { caFile, key, cert } = testCa;
  const ca = readFileSync(caFile);
  const vendor = await startPart({ part: "vendor", key: key.toString(), cert: cert.toString() });
  const vendorUrl = `https://127.0.0.1:${vendor.port}`;
  const proxy = await startPart({ part: "proxy", vendorUrl, ca: ca.toString() });
  const relay = await startPart({ part: "relay", vendorPort: String(vendor.port) });
  const httpsAgent = new HttpsAgent({ keepAlive: true, ca });
  const httpAgent = new HttpAgent({ keepAlive: true });
  const relayAgent = new HttpsAgent({ keepAlive: true, ca });
  // Paths under /anthropic or /openai; the proxy's key is the bearer token on both.
  const direct: Send = (path, body = "{}") =>
    new Promise((resolve, reject) => httpsRequest(`${vendorUrl}${path}`, { method: "POST", agent: httpsAgent, headers: { "x-api-key": "real-key" } }, (res) => drain(res, resolve)).on("error", reject).end(body));
  const relayed: Send = (path) =>
    new Promise((resolve, reject) => httpsRequest(`https://127.0.0.1:${relay.port}${path}`, { method: "POST", agent: relayAgent, headers: { "x-api-key": "real-key" } }, (res) => drain(res, resolve)).on("error", reject).end("{}"));
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
    for (const [send, hop] of [[direct], [relayed, relay.child], [proxied, proxy.child]] as Way[]) await streamOnce(FLAT, send, hop); // warm up
    const [d, r, p] = await streamRates(FLAT, [direct], [relayed, relay.child], [proxied, proxy.child]);
    const [pacedDirect, pacedProxied] = await streamRates(PACED, [direct], [proxied, proxy.child]);
    report("model-API proxy (vendor stand-in, proxy and client: three processes)", {
      [`request, direct (ms, median of ${REQUESTS})`]: directMs,
      [`request, through the proxy (ms, median of ${REQUESTS})`]: proxiedMs,
      "proxy overhead per request (ms)": proxiedMs - directMs,
      [`streaming chat request of ${CHAT_KIB} KiB, direct (ms, median)`]: directChatMs,
      [`streaming chat request of ${CHAT_KIB} KiB, through the proxy (ms)`]: proxiedChatMs,
      "proxy overhead per streaming chat request (ms)": proxiedChatMs - directChatMs,
      [`stream ${STREAM_MIB} MiB paced at ${PACED_MIB_PER_S} MiB/s (a fast link), direct (MiB/s, median of ${STREAM_RUNS})`]: pacedDirect!.mibPerS,
      [`stream ${STREAM_MIB} MiB paced at ${PACED_MIB_PER_S} MiB/s, through the proxy (MiB/s)`]: pacedProxied!.mibPerS,
      "streaming at a link's pace through the proxy ÷ direct (goal ≥ 0.95)": pacedProxied!.ratio,
      [`stream ${STREAM_MIB} MiB as fast as the CPU allows, direct (MiB/s, median of ${STREAM_RUNS})`]: d!.mibPerS,
      [`stream ${STREAM_MIB} MiB, through a bare TCP relay (MiB/s)`]: r!.mibPerS,
      [`stream ${STREAM_MIB} MiB, through the proxy (MiB/s)`]: p!.mibPerS,
      "streaming as fast as the CPU allows, through a bare TCP relay ÷ direct (any hop)": r!.ratio,
      "streaming as fast as the CPU allows, through the proxy ÷ direct": p!.ratio,
      "CPU per MiB streamed, client direct (ms)": d!.cpuPerMib,
      "CPU per MiB streamed, client and relay (ms)": r!.cpuPerMib,
      "CPU per MiB streamed, client and proxy (ms)": p!.cpuPerMib,
    });
  } finally {
    httpsAgent.destroy();
    httpAgent.destroy();
    relayAgent.destroy();
    relay.child.kill();
    vendor.child.kill();
    proxy.child.kill();
    testCa.dispose();
  }
}
