// FAKE model: a scripted server speaking OpenAI's Responses API (streamed, Server-Sent Events) so
// the real Codex CLI can do real work here, where no model is reachable. Each turn answers with
// the next scripted shell command — as Codex 0.171 offers its tools: one `exec` tool that runs
// JavaScript calling `tools.exec_command` — or, to an agent that offers a `bash` function (OpenCode),
// as a call of that function; the step index being the number of tool outputs the agent already
// sent back; then a closing assistant message. Every answer ends with
// `response.completed` and its usage, as the real API's do. Plain HTTP on the loopback, or HTTPS
// with a test CA of its own when it sits upstream of nixlima's proxy (as modelServer.ts). One
// step's answer can be held back until the test releases it, so the test can look at the agent
// while it waits for its model.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenScripted, onJsonRequest, type ListeningServer, type SeenModelRequest } from "./modelServer";

export interface ResponsesServer extends ListeningServer {
  /** http(s)://127.0.0.1:PORT, no path: the server answers POST …/responses under any prefix. */
  url: string;
  seen: SeenModelRequest[];
  /** The tool outputs the agent sent back, in order (as JSON text). */
  toolOutputs: string[];
  /** Settles once the request for the held step has come (never without `holdAt`). */
  held: Promise<void>;
  /** Sends the held answer. */
  release(): void;
}

export interface ResponsesOptions {
  tls?: boolean;
  /** The step (the number of tool outputs the request carries) whose answer waits for release(). */
  holdAt?: number;
}

interface Hold {
  step: number | undefined;
  reached: () => void;
  released: Promise<void>;
}

type Item = Record<string, unknown>;
export const RESPONSES_USAGE = { input_tokens: 120, input_tokens_details: { cached_tokens: 20 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 150 };

/** Whether the agent offers a plain `bash` function tool (OpenCode does; Codex offers `exec`). */
function offersBash(tools: unknown): boolean {
  return Array.isArray(tools) && tools.some((t: Item) => t.type === "function" && t.name === "bash");
}

/** The next scripted tool call, or the closing message. */
function answerItem(commands: string[], step: number, bash: boolean): Item {
  const cmd = commands[step];
  if (cmd === undefined) {
    return { type: "message", id: "msg_scripted", role: "assistant", status: "completed", content: [{ type: "output_text", text: "All scripted steps are done.", annotations: [] }] };
  }
  if (bash) {
    const args = JSON.stringify({ command: cmd, description: "Do the scripted step" });
    return { type: "function_call", id: `fc_scripted_${step}`, call_id: `call_scripted_${step}`, status: "completed", name: "bash", arguments: args };
  }
  const input = `const r = await tools.exec_command({ cmd: ${JSON.stringify(cmd)} });\ntext(r);`;
  return { type: "custom_tool_call", id: `ctc_scripted_${step}`, call_id: `call_scripted_${step}`, status: "completed", name: "exec", input };
}

function stream(res: ServerResponse, model: string, item: Item): void {
  const event = (type: string, data: Item) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const response = { id: `resp_scripted_${Date.now()}`, object: "response", status: "in_progress", model, output: [] as Item[] };
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  event("response.created", { response });
  event("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress" } });
  // A message's text also comes as a delta, as the real API streams it: OpenCode shows only that.
  const text = item.type === "message" ? (item.content as Item[])[0]!.text : undefined;
  if (text) event("response.output_text.delta", { item_id: item.id, output_index: 0, content_index: 0, delta: text });
  event("response.output_item.done", { output_index: 0, item });
  event("response.completed", { response: { ...response, status: "completed", output: [item], usage: RESPONSES_USAGE } });
  res.end();
}

function handler(commands: string[], seen: SeenModelRequest[], toolOutputs: string[], hold: Hold) {
  return (req: IncomingMessage, res: ServerResponse) => {
    onJsonRequest(req, seen, (body) => {
      if (req.method !== "POST" || !(req.url ?? "").split("?")[0]!.endsWith("/responses")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Not scripted." } }));
        return;
      }
      const input = (Array.isArray(body.input) ? body.input : []) as Item[];
      const outputs = input.filter((i) => i.type === "custom_tool_call_output" || i.type === "function_call_output");
      toolOutputs.splice(0, toolOutputs.length, ...outputs.map((o) => JSON.stringify(o.output)));
      const answer = () => stream(res, String(body.model ?? "gpt-scripted"), answerItem(commands, outputs.length, offersBash(body.tools)));
      if (outputs.length !== hold.step) return answer();
      hold.reached();
      void hold.released.then(answer);
    });
  };
}

/** Starts the scripted server on the loopback: one shell command per turn, then a closing message. */
export async function startResponsesServer(commands: string[], options: ResponsesOptions = {}): Promise<ResponsesServer> {
  const seen: SeenModelRequest[] = [];
  const toolOutputs: string[] = [];
  let reached = () => {};
  let release = () => {};
  const held = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = await listenScripted(handler(commands, seen, toolOutputs, { step: options.holdAt, reached, released }), options.tls);
  return { ...server, seen, toolOutputs, held, release };
}
