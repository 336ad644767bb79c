// Reads the token counts a model API reports in its answers, as the proxy passes them on: a
// plain JSON body (read at the end) or a Server-Sent Events stream (read line by line from a copy
// of each chunk, so the stream itself is never held back). Understood: Anthropic's Messages
// (`usage` in the body; in a stream `message_start`'s and `message_delta`'s, whose counts are
// running totals), OpenAI's Responses (`response.usage`, in a stream the `response.completed`
// event) and Chat Completions (`usage.prompt_tokens` / `completion_tokens`, in a stream the last
// chunk when the client asks for it). Anything else counts nothing.
import { StringDecoder } from "node:string_decoder";

/** One answer's tokens. `input` excludes the cached parts, which are priced apart. */
export interface ResponseUsage {
  model?: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** An event that states usage: `"usage": {`. Chat Completions chunks say `"usage": null` in every delta once asked for the usage. */
const STATES_USAGE = /"usage"\s*:\s*\{/;

/** A JSON body larger than this is not read for usage (model answers are far smaller). */
const MAX_JSON_BODY = 8 * 1024 * 1024;

export type Json = Record<string, unknown>;
/** The value as a JSON object, or undefined for anything else (null, arrays, scalars). */
export const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined);

/** The counts one object (a body or one event's data) states; a later statement overrides an earlier one. */
export function usageFields(data: unknown): Partial<ResponseUsage> {
  const d = obj(data);
  if (!d) return {};
  // Anthropic's message_start carries the message; OpenAI's Responses events carry the response.
  const inner = obj(d.message) ?? obj(d.response);
  const u = obj(d.usage) ?? obj(inner?.usage);
  const model = typeof d.model === "string" ? d.model : typeof inner?.model === "string" ? inner.model : undefined;
  const out: Partial<ResponseUsage> = model ? { model } : {};
  if (!u) return out;
  if (num(u.prompt_tokens) !== undefined || num(u.completion_tokens) !== undefined) {
    // Chat Completions: prompt_tokens includes the cached ones.
    const cached = num(obj(u.prompt_tokens_details)?.cached_tokens) ?? 0;
    return { ...out, input: (num(u.prompt_tokens) ?? 0) - cached, output: num(u.completion_tokens) ?? 0, cacheRead: cached };
  }
  const details = obj(u.input_tokens_details);
  if (details) {
    // Responses API: input_tokens includes the cached ones.
    const cached = num(details.cached_tokens) ?? 0;
    return { ...out, input: (num(u.input_tokens) ?? 0) - cached, output: num(u.output_tokens) ?? 0, cacheRead: cached };
  }
  // Anthropic: input_tokens excludes the cache reads and writes, stated beside it.
  const fields: [keyof ResponseUsage, unknown][] = [
    ["input", u.input_tokens],
    ["output", u.output_tokens],
    ["cacheRead", u.cache_read_input_tokens],
    ["cacheWrite", u.cache_creation_input_tokens],
  ];
  for (const [name, value] of fields) if (num(value) !== undefined) (out as Record<string, unknown>)[name] = value;
  return out;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Follows one answer chunk by chunk; `end()` gives its usage, or undefined when it stated none. */
export class UsageReader {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  private size = 0;
  private seen: Partial<ResponseUsage> = {};
  private counted = false;

  constructor(private readonly stream: boolean) {}

  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.stream && this.size > MAX_JSON_BODY) return;
    this.pending += this.decoder.write(chunk);
    if (!this.stream) return;
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  end(): ResponseUsage | undefined {
    this.pending += this.decoder.end();
    if (this.stream) this.line(this.pending);
    else if (this.size <= MAX_JSON_BODY) this.take(parse(this.pending));
    this.pending = "";
    if (!this.counted) return undefined;
    const { model, input = 0, output = 0, cacheRead = 0, cacheWrite = 0 } = this.seen;
    return { ...(model ? { model } : {}), input, output, cacheRead, cacheWrite };
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, "");
    if (!line.startsWith("data:")) return;
    const data = line.slice(5).trim();
    // Only an event that states usage is parsed: a long answer is mostly text deltas, and parsing
    // each of them halved the proxy's streaming throughput (npm run bench proxy).
    if (STATES_USAGE.test(data)) this.take(parse(data));
  }

  private take(data: unknown): void {
    const fields = usageFields(data);
    if (Object.keys(fields).some((k) => k !== "model")) this.counted = true;
    // Only the first model named counts: later events repeat it or leave it out.
    this.seen = { ...this.seen, ...fields, ...(this.seen.model ? { model: this.seen.model } : {}) };
  }
}
