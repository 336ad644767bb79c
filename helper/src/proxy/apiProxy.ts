// The model-API proxy a task's agent talks to instead of the vendors: it listens on the host's
// loopback only (the guest reaches it through the task's own ssh reverse forward), accepts only
// the task's random token, puts the real key in its place and forwards over TLS to the real API,
// streaming the answer (SSE included) as it comes, without buffering. The key never leaves the
// host: the guest only ever holds the token. It stops with the task. It reads each answer's
// token usage from a copy as it passes (usage.ts) into the task's budget, and once the budget is
// used it refuses every further request (budget.ts). Requests go on as the client sent them,
// except a streaming (Chat) Completions request: the proxy asks for its usage there, and refuses
// one too large to read while the task has a budget (chatUsage.ts).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { TaskBudget } from "./budget";
import { apiUpstreams, type ApiUpstream } from "./upstreams";
import { UsageReader } from "./usage";
import { isCompletionsPost, sendChatBody, TOO_LARGE } from "./chatUsage";
import { budgetSentence } from "../shared/usageWords";

export type ApiName = "anthropic" | "openai";

export interface ApiProxyOptions {
  /** The real keys; an API without a key answers 401. */
  keys: Partial<Record<ApiName, string>>;
  /** Where each API really is (tests: a local TLS server and its CA). */
  upstreams?: Record<ApiName, ApiUpstream>;
  /** Where the answers' usage is counted; past its limit requests are refused. */
  budget?: TaskBudget;
}

export interface ApiProxy {
  port: number;
  /** The per-task token the guest gets instead of a key. */
  token: string;
  /** Requests forwarded, and refused for a wrong or missing token. */
  stats: { forwarded: number; refused: number; overBudget: number };
  close(): Promise<void>;
}

// Headers that name the hop or the guest's credentials: never forwarded. Nor accept-encoding: the
// answer then comes uncompressed, so its usage can be read as it passes (a budget a gzipped
// answer could slip past would be no budget).
const DROP = new Set(["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "x-api-key", "authorization", "content-length", "accept-encoding"]);

/** The token the request carries: Anthropic's `x-api-key`, or `Authorization: Bearer`. */
function presentedToken(req: IncomingMessage): string {
  const key = req.headers["x-api-key"];
  if (typeof key === "string") return key;
  return /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `/anthropic/v1/messages` → the Anthropic API and `/v1/messages`. */
function route(url: string): { api: ApiName; path: string } | undefined {
  const m = /^\/(anthropic|openai)(\/.*)?$/.exec(url);
  return m ? { api: m[1] as ApiName, path: m[2] ?? "/" } : undefined;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ type: "error", error: { type: "nixlima_proxy", message } }));
}

/**
 * The most of an answer held back to go out as one write: what arrived in one turn of the event
 * loop, up to this much. One write (and one chunk for the guest's client to parse) instead of one
 * per TLS record cut the CPU the proxy and the client spend per MiB streamed (npm run bench proxy);
 * nothing waits for more data to come.
 */
const BATCH_BYTES = 256 * 1024;

/** Writes the answer's chunks on as they come, a turn's worth at once; a guest that reads slowly holds the vendor back. */
function passOn(answer: IncomingMessage, res: ServerResponse, copy: (chunk: Buffer) => void): () => void {
  let held: Buffer[] = [];
  let bytes = 0;
  const flush = () => {
    if (held.length === 0 || res.destroyed) return;
    const out = held.length === 1 ? held[0] : Buffer.concat(held, bytes);
    held = [];
    bytes = 0;
    if (!res.write(out)) answer.pause();
  };
  answer.on("data", (chunk: Buffer) => {
    if (held.length === 0) setImmediate(flush);
    held.push(chunk);
    bytes += chunk.length;
    if (bytes >= BATCH_BYTES) flush();
    copy(chunk);
  });
  res.on("drain", () => answer.resume());
  return flush;
}

/** Passes the answer through as it comes, and reads its usage from a copy into the budget. */
function relay(answer: IncomingMessage, res: ServerResponse, budget: TaskBudget | undefined): void {
  const back: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !["connection", "keep-alive", "transfer-encoding"].includes(name)) back[name] = value;
  res.writeHead(answer.statusCode ?? 502, back);
  res.flushHeaders();
  const reader = new UsageReader(/text\/event-stream/i.test(String(answer.headers["content-type"] ?? "")));
  let counted = false;
  // Counted once: at the end, or with what came before the connection dropped.
  const count = () => {
    if (counted || !budget) return;
    counted = true;
    const usage = reader.end();
    if (usage) budget.add(usage);
  };
  const flush = passOn(answer, res, (chunk) => reader.write(chunk));
  answer.on("end", () => {
    flush();
    res.end();
    count();
  });
  answer.on("error", () => res.destroy());
  answer.on("close", count);
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: ApiUpstream, agent: HttpsAgent, r: { api: ApiName; path: string }, key: string, budget: TaskBudget | undefined): void {
  const { api, path } = r;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !DROP.has(name)) headers[name] = value;
  if (api === "anthropic") headers["x-api-key"] = key;
  else headers.authorization = `Bearer ${key}`;
  if (req.headers["content-length"]) headers["content-length"] = req.headers["content-length"];
  const target = new URL(path.replace(/^\/+/, ""), upstream.url);
  const open = () => {
    const out = httpsRequest(target, { method: req.method, headers, agent }, (answer) => relay(answer, res, budget));
    out.on("error", () => (res.headersSent ? res.destroy() : refuse(res, 502, `The ${api} API could not be reached from the host.`)));
    res.on("close", () => out.destroy());
    return out;
  };
  if (api === "openai" && isCompletionsPost(req.method, target)) sendChatBody(req, open, budget?.limited() ? () => refuse(res, 413, TOO_LARGE) : undefined);
  else req.pipe(open());
}

function upstreamAgent(upstream: ApiUpstream): HttpsAgent {
  return new HttpsAgent({ keepAlive: true, ...(upstream.ca ? { ca: upstream.ca } : {}) });
}

export async function startApiProxy(options: ApiProxyOptions): Promise<ApiProxy> {
  const token = `nixlima-task-${randomBytes(24).toString("hex")}`;
  const upstreams = options.upstreams ?? apiUpstreams();
  const stats = { forwarded: 0, refused: 0, overBudget: 0 };
  const { budget } = options;
  // One kept-alive TLS connection pool per task, as the agent's own client would keep to the vendor:
  // a new TLS handshake per request was most of the proxy's overhead (npm run bench proxy).
  const agents = { anthropic: upstreamAgent(upstreams.anthropic), openai: upstreamAgent(upstreams.openai) };
  const server = createServer((req, res) => {
    const r = route(req.url ?? "");
    if (!r) return refuse(res, 404, "Use the base URL nixlima gave this task.");
    if (!sameToken(presentedToken(req), token)) {
      stats.refused++;
      return refuse(res, 401, "This proxy accepts only the token of its own task.");
    }
    const key = options.keys[r.api];
    if (!key) return refuse(res, 401, `No ${r.api} key was given to this task.`);
    const reached = budget?.exhausted();
    if (reached) {
      stats.overBudget++;
      return refuse(res, 402, `${budgetSentence(reached, { subject: "asking" })} nixlima refuses its further model requests.`);
    }
    stats.forwarded++;
    forward(req, res, upstreams[r.api], agents[r.api], r, key, budget);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      agents.anthropic.destroy();
      agents.openai.destroy();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, token, stats, close };
}
