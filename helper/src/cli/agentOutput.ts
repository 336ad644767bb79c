// How the agent's words reach the person's terminal in the CLI: every line, and the result
// (whose patch and file names the agent wrote), through the terminal sanitizer, so the agent
// cannot move the cursor over, erase or forge the lines nixlima prints (see shared/terminalText.ts).
import type { Writable } from "node:stream";
import { sanitizeTerminalText } from "../shared/terminalText";

/** Writes each of the agent's lines to `out`, with nothing but text and colours in it. */
export function agentLineWriter(out: Writable): (line: string) => void {
  return (line) => out.write(`${sanitizeTerminalText(line)}\n`);
}

/** Writes text that carries the agent's words (the result with its patch) to `out`, sanitized. */
export function writeAgentText(out: Writable, text: string): void {
  out.write(sanitizeTerminalText(text));
}
