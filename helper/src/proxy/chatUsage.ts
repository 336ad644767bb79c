// OpenAI's Chat Completions, and its legacy Completions, stream no usage unless the request asks
// for it (`stream_options.include_usage`), and a stream the proxy cannot count would pass every
// budget. So the proxy reads the body of a POST to either (up to a bound) and, when it asks for a
// stream, asks for the usage on the client's behalf. The answer then ends with one more chunk
// (`choices: []`, the usage), which the API's specification tells every client to accept. Every
// other request, and a body over the bound or not JSON, goes on as the client wrote it.
import type { ClientRequest, IncomingMessage } from "node:http";
import { obj, type Json } from "./usage";

/** Far above a chat request's text; a larger body (images inline) goes on unread, and uncounted if it streams. */
export const MAX_CHAT_BODY = 32 * 1024 * 1024;

/**
 * Whether the proxy reads this request's body: a POST to Chat Completions or Completions, judged
 * by the URL the upstream is sent (its path resolved: `//`, `./` and `../` must not walk a stream
 * past the budget), case and a closing slash aside.
 */
export function isChatCompletions(method: string | undefined, target: URL): boolean {
  return method === "POST" && /\/v1\/(chat\/)?completions\/?$/i.test(target.pathname);
}

const ASK_USAGE = Buffer.from('"stream_options":{"include_usage":true},');

/** The body to send instead: a streaming request that asks for its usage; undefined to send it as it is. */
export function askForUsage(body: Buffer): Buffer | undefined {
  let ask: Json | undefined;
  try {
    ask = obj(JSON.parse(body.toString("utf8")));
  } catch {
    return undefined;
  }
  if (ask?.stream !== true) return undefined;
  if (ask.stream_options === undefined) {
    // Put in first, the rest byte for byte as the client wrote it (JSON.stringify would round
    // numbers past 2^53 and rewrite escapes). A body JSON.parse read as an object opens with `{`
    // after ASCII white space.
    const open = body.indexOf("{") + 1;
    return Buffer.concat([body.subarray(0, open), ASK_USAGE, body.subarray(open)]);
  }
  const options = obj(ask.stream_options);
  if (options?.include_usage === true) return undefined;
  // A client that said include_usage: false (or sent stream_options that are not an object) is
  // asked for the usage all the same: the budget and the task's counts need it, and a setting in
  // the agent's hands that switched counting off would make the budget a suggestion. Its other
  // stream_options stay.
  return Buffer.from(JSON.stringify({ ...ask, stream_options: { ...options, include_usage: true } }));
}

/**
 * Sends a (Chat) Completions request's body on to `out` (whose headers are not sent yet): read
 * whole when it is within the bound, then asking for the usage when it streams (content-length
 * rewritten); past the bound, what was read and the rest go on as they come.
 */
export function sendChatBody(req: IncomingMessage, out: ClientRequest, max = MAX_CHAT_BODY): void {
  if (Number(req.headers["content-length"]) > max) return void req.pipe(out);
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= max) return;
    req.off("data", onData).off("end", onEnd);
    for (const c of chunks) out.write(c);
    req.pipe(out);
  };
  const onEnd = () => {
    const body = Buffer.concat(chunks);
    const asked = askForUsage(body);
    if (asked) out.setHeader("content-length", asked.length);
    out.end(asked ?? body);
  };
  req.on("data", onData).on("end", onEnd);
}
