// Reads the token counts a model API reports in its answers, as the proxy passes them on: a
// plain JSON body (read at the end) or a Server-Sent Events stream (searched chunk by chunk as it
// passes, so the stream itself is never held back). Understood: Anthropic's Messages
// (`usage` in the body; in a stream `message_start`'s and `message_delta`'s, whose counts are
// running totals), OpenAI's Responses (`response.usage`, in a stream the `response.completed`
// event) and Chat Completions (`usage.prompt_tokens` / `completion_tokens`, in a stream the last
// chunk when the client asks for it). Anything else counts nothing.

/** One answer's tokens. `input` excludes the cached parts, which are priced apart. */
export interface ResponseUsage {
  model?: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** What an event that states usage holds: `"usage"` followed by `:` and `{`. Chat Completions chunks say `"usage": null` in every delta once asked for the usage. */
const USAGE = Buffer.from('"usage"');
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Whether the bytes hold `"usage"`, white space, `:`, white space, `{`: only such a line is parsed. */
function statesUsage(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(USAGE); at !== -1; at = bytes.indexOf(USAGE, at + 1)) {
    let i = at + USAGE.length;
    while (JSON_SPACE.has(bytes[i])) i++;
    if (bytes[i++] !== 0x3a) continue;
    while (JSON_SPACE.has(bytes[i])) i++;
    if (bytes[i] === 0x7b) return true;
  }
  return false;
}

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

const NEWLINE = 0x0a;
const DATA = Buffer.from("data:");

/**
 * Follows one answer chunk by chunk; `end()` gives its usage, or undefined when it stated none.
 * A stream is searched as bytes: a long answer is mostly text deltas, and decoding and splitting
 * every one of them cost the proxy a third of its streaming time (npm run bench proxy). A line is
 * decoded and parsed only when it states usage; a line without `"usage"` is dropped at its end.
 */
export class UsageReader {
  /** The unfinished last line's pieces (the chunks' own bytes, not copies). */
  private line: Buffer[] = [];
  /** Whether the unfinished line holds `"usage"` so far, and its last bytes (to find one split between chunks). */
  private lineHasUsage = false;
  private edge: Buffer = Buffer.alloc(0);
  private body: Buffer[] = [];
  private size = 0;
  private seen: Partial<ResponseUsage> = {};
  private counted = false;

  constructor(private readonly stream: boolean) {}

  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.stream) {
      if (this.size <= MAX_JSON_BODY) this.body.push(chunk);
      return;
    }
    const first = chunk.indexOf(NEWLINE);
    if (first === -1) return this.keep(chunk);
    this.keep(chunk.subarray(0, first));
    this.endLine();
    const last = chunk.lastIndexOf(NEWLINE);
    // The lines whole within this chunk: one search of them all, and line by line only when it finds something.
    const whole = chunk.subarray(first + 1, last);
    if (whole.includes(USAGE)) for (let at = 0; at < whole.length; ) {
      const next = whole.indexOf(NEWLINE, at);
      const end = next === -1 ? whole.length : next;
      this.read(whole.subarray(at, end));
      at = end + 1;
    }
    this.keep(chunk.subarray(last + 1));
  }

  end(): ResponseUsage | undefined {
    if (this.stream) this.endLine();
    else if (this.size <= MAX_JSON_BODY) this.take(parse(Buffer.concat(this.body).toString("utf8")));
    this.body = [];
    if (!this.counted) return undefined;
    const { model, input = 0, output = 0, cacheRead = 0, cacheWrite = 0 } = this.seen;
    return { ...(model ? { model } : {}), input, output, cacheRead, cacheWrite };
  }

  /** Adds a piece to the unfinished line. */
  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    const across = Buffer.concat([this.edge, piece.subarray(0, USAGE.length - 1)]);
    this.lineHasUsage ||= across.includes(USAGE) || piece.includes(USAGE);
    this.edge = (piece.length < USAGE.length ? Buffer.concat([this.edge, piece]) : piece).subarray(1 - USAGE.length);
    this.line.push(piece);
  }

  private endLine(): void {
    if (this.lineHasUsage) this.read(this.line.length === 1 ? this.line[0] : Buffer.concat(this.line));
    this.line = [];
    this.lineHasUsage = false;
    this.edge = Buffer.alloc(0);
  }

  /** One line (CR and LF aside): parsed when it is an event's data and states usage. */
  private read(line: Buffer): void {
    if (!line.subarray(0, 5).equals(DATA) || !statesUsage(line)) return;
    this.take(parse(line.toString("utf8", 5).trim()));
  }
  private take(data: unknown): void {
    const fields = usageFields(data);
    if (Object.keys(fields).some((k) => k !== "model")) this.counted = true;
    // Only the first model named counts: later events repeat it or leave it out.
    this.seen = { ...this.seen, ...fields, ...(this.seen.model ? { model: this.seen.model } : {}) };
  }
}
