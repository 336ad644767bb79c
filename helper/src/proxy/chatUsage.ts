// OpenAI's Chat Completions, and its legacy Completions, stream no usage unless the request asks
// for it (`stream_options.include_usage`), and a stream the proxy cannot count would pass every
// budget. So the proxy reads the body of a POST to either (up to a bound) and, when it asks for a
// stream, asks for the usage on the client's behalf. The answer then ends with one more chunk
// (`choices: []`, the usage), which the API's specification tells every client to accept. Every
// other request, and a body not JSON, goes on as the client wrote it. A body over the bound is
// refused when the task has a budget (it might stream uncounted), and goes on unread when not.
import type { ClientRequest, IncomingMessage } from "node:http";
import { obj, type Json } from "./usage";

/** Far above a chat request's text; a larger body (images inline) is refused under a budget, else goes on unread and uncounted if it streams. */
export const MAX_CHAT_BODY = 32 * 1024 * 1024;

/** What a task with a budget answers a body over the bound. */
export const TOO_LARGE = `This request is over ${MAX_CHAT_BODY / 1024 / 1024} MiB, more than nixlima reads to count a completions request's tokens against the task's budget, so it was not sent.`;

/**
 * Whether the proxy reads this request's body: a POST to Chat Completions or Completions, judged
 * by the URL the upstream is sent (its path resolved: `//`, `./` and `../` must not walk a stream
 * past the budget), case and a closing slash aside.
 */
export function isCompletionsPost(method: string | undefined, target: URL): boolean {
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
 * Sends a (Chat) Completions request's body on through the request `open()` makes: read whole
 * when it is within the bound, then asking for the usage when it streams (content-length
 * rewritten). Past the bound, `tooLarge` answers it instead (nothing goes upstream, the rest of
 * the body is read and dropped); without it, what was read and the rest go on as they come.
 */
export function sendChatBody(req: IncomingMessage, open: () => ClientRequest, tooLarge?: () => void, max = MAX_CHAT_BODY): void {
  let chunks: Buffer[] = [];
  let size = 0;
  const unread = () => {
    req.off("data", onData).off("end", onEnd);
    const read = chunks;
    chunks = [];
    if (tooLarge) {
      tooLarge();
      req.resume();
      return;
    }
    const out = open();
    for (const c of read) out.write(c);
    req.pipe(out);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) unread();
  };
  const onEnd = () => {
    const body = Buffer.concat(chunks);
    const asked = askForUsage(body);
    const out = open();
    if (asked) out.setHeader("content-length", asked.length);
    out.end(asked ?? body);
  };
  if (Number(req.headers["content-length"]) > max) return unread();
  req.on("data", onData).on("end", onEnd);
}
