// FAKE model: a scripted server speaking the Anthropic Messages API (JSON and SSE streaming) so
// the real Claude Code CLI can do real work here, where no model is reachable. The agent's own
// conversation (a request that offers tools) gets one scripted tool call per turn — the step
// index is the number of tool results it already sent back — then a closing end_turn text. Side
// requests (a title, a quota probe: no tools offered) get a short text; count_tokens a count.
// Plain HTTP for the host alone, or HTTPS with a CA of the test's own (tlsUpstream's) when it sits
// upstream of nixlima's proxy, which forwards only over TLS.
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { makeTestCa, type TestCa } from "./tlsUpstream";

/** One scripted tool call; `input` may depend on the agent's working directory. */
export interface ScriptedToolUse {
  name: string;
  input: (cwd: string) => Record<string, unknown>;
}

export interface SeenModelRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface ModelServer {
  url: string;
  /** The CA's PEM file (HTTPS only). */
  caFile?: string;
  seen: SeenModelRequest[];
  /** The tool results the agent sent back, in order (their text). */
  toolResults: string[];
  close(): Promise<void>;
}

type Block = Record<string, unknown>;
interface Message { role: string; content: string | Block[] }

/** The agent's working directory, as its system prompt states it. */
function workingDirectory(body: Record<string, unknown>): string {
  const system = JSON.stringify(body.system ?? "");
  return /[Ww]orking directory: ([^\s"\\]+)/.exec(system)?.[1] ?? ".";
}

function toolResultsIn(messages: Message[]): Block[] {
  return messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((b) => b.type === "tool_result") : []));
}

function resultText(block: Block): string {
  const c = block.content;
  return typeof c === "string" ? c : Array.isArray(c) ? c.map((p: Block) => String(p.text ?? "")).join("") : "";
}

/** The content blocks of the answer: the next scripted tool call, or the closing text. */
function answer(body: Record<string, unknown>, script: ScriptedToolUse[]): { blocks: Block[]; stop: string } {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length === 0) return { blocks: [{ type: "text", text: "Scripted task" }], stop: "end_turn" };
  const step = toolResultsIn((body.messages ?? []) as Message[]).length;
  const next = script[step];
  if (!next) return { blocks: [{ type: "text", text: "All scripted steps are done." }], stop: "end_turn" };
  return { blocks: [{ type: "tool_use", id: `toolu_scripted_${step}`, name: next.name, input: next.input(workingDirectory(body)) }], stop: "tool_use" };
}

/** The usage every scripted answer states, which nixlima's proxy counts. */
export const SCRIPTED_USAGE = { input_tokens: 100, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

function message(model: string, blocks: Block[], stop: string | null): Block {
  return { id: `msg_scripted_${Date.now()}`, type: "message", role: "assistant", model, content: blocks, stop_reason: stop, stop_sequence: null, usage: SCRIPTED_USAGE };
}

function sse(res: ServerResponse, event: string, data: Block): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
}

/** The answer as Server-Sent Events, each block opened, filled by one delta and closed. */
function stream(res: ServerResponse, model: string, blocks: Block[], stop: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sse(res, "message_start", { message: message(model, [], null) });
  blocks.forEach((b, index) => {
    if (b.type === "text") {
      sse(res, "content_block_start", { index, content_block: { type: "text", text: "" } });
      sse(res, "content_block_delta", { index, delta: { type: "text_delta", text: b.text } });
    } else {
      sse(res, "content_block_start", { index, content_block: { ...b, input: {} } });
      sse(res, "content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input) } });
    }
    sse(res, "content_block_stop", { index });
  });
  sse(res, "message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: SCRIPTED_USAGE.output_tokens } });
  sse(res, "message_stop", {});
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Reads a request's JSON body (empty when it is not JSON), records the request, then answers. */
export function onJsonRequest(req: IncomingMessage, seen: SeenModelRequest[], answer: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
    } catch {
      // Not JSON: recorded as an empty body.
    }
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    answer(body);
  });
}

function handler(script: ScriptedToolUse[], seen: SeenModelRequest[], toolResults: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    onJsonRequest(req, seen, (body) => {
      const path = (req.url ?? "").split("?")[0]!;
      if (path.endsWith("/v1/messages/count_tokens")) return json(res, 200, { input_tokens: 100 });
      if (!path.endsWith("/v1/messages")) return json(res, 404, { type: "error", error: { type: "not_found_error", message: "Not scripted." } });
      const { blocks, stop } = answer(body, script);
      if (Array.isArray(body.tools) && body.tools.length > 0) {
        toolResults.splice(0, toolResults.length, ...toolResultsIn((body.messages ?? []) as Message[]).map(resultText));
      }
      const model = String(body.model ?? "claude-scripted");
      if (body.stream) stream(res, model, blocks, stop);
      else json(res, 200, message(model, blocks, stop));
    });
  };
}

/** A scripted server listening on the loopback: its URL, its CA's PEM file (HTTPS only) and its close. */
export interface ListeningServer {
  url: string;
  caFile?: string;
  close(): Promise<void>;
}

/**
 * Listens on the loopback with `onRequest`: plain HTTP, or with `tls` HTTPS with a fresh test
 * CA (tlsUpstream's), as nixlima's proxy forwards only over TLS. Shared by both scripted models.
 */
export async function listenScripted(onRequest: (req: IncomingMessage, res: ServerResponse) => void, tls = false): Promise<ListeningServer> {
  const ca: TestCa | undefined = tls ? makeTestCa() : undefined;
  const server = ca ? createHttps({ key: ca.key, cert: ca.cert }, onRequest) : createHttp(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${ca ? "https" : "http"}://127.0.0.1:${port}`,
    ...(ca ? { caFile: ca.caFile } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          ca?.dispose();
          resolve();
        });
      }),
  };
}

/** Starts the scripted server on the loopback; `tls` serves HTTPS with a fresh test CA. */
export async function startModelServer(script: ScriptedToolUse[], options: { tls?: boolean } = {}): Promise<ModelServer> {
  const seen: SeenModelRequest[] = [];
  const toolResults: string[] = [];
  const server = await listenScripted(handler(script, seen, toolResults), options.tls);
  return { ...server, seen, toolResults };
}

/**
 * Runs `body` with nixlima's proxy forwarding to `server` (NIXLIMA_TEST_API_UPSTREAM, and its CA),
 * then closes the server.
 */
export async function withUpstream<T>(server: ListeningServer, body: () => Promise<T>): Promise<T> {
  process.env.NIXLIMA_TEST_API_UPSTREAM = server.url;
  if (server.caFile) process.env.NIXLIMA_TEST_API_CA = server.caFile;
  try {
    return await body();
  } finally {
    delete process.env.NIXLIMA_TEST_API_UPSTREAM;
    delete process.env.NIXLIMA_TEST_API_CA;
    await server.close();
  }
}
