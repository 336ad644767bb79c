// The CLI's dispatch output: the agent's lines and the result that carries its patch reach the
// terminal with nothing but text and colours, so nixlima's own lines cannot be erased or forged.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { agentLineWriter, writeAgentText } from "../../src/cli/agentOutput";

function capture() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString("utf8")));
  return { out, text: () => text };
}

test("the agent's lines lose everything but text and colours on their way to stdout", () => {
  const { out, text } = capture();
  const write = agentLineWriter(out);
  write("\x1b[31mred\x1b[0m plain");
  write("\x1b[1A\x1b[2K\r--- claude in v: done after 1 round"); // up, erase, forge the result line
  write("\x1b]52;c;cm0gLXJmIH4K\x07\x1b]0;title\x1b\\\x1b[?1049hx\x1b[s\x1b[u\x1bc");
  write("\x1b[8mleft open");
  out.end();
  assert.equal(text(), "\x1b[31mred\x1b[0m plain\n\n--- claude in v: done after 1 round\nx\n\x1b[8mleft open\x1b[0m\n");
});

test("the result, whose patch the agent wrote, is sanitized too", () => {
  const { out, text } = capture();
  writeAgentText(out, "--- claude in v: done\n+evil \x1b]8;;https://x.invalid/\x1b\\link\x1b]8;;\x1b\\\r+line\n");
  out.end();
  assert.equal(text(), "--- claude in v: done\n+evil link\n+line\n");
});
