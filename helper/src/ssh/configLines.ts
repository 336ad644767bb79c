// A user's ssh config as lines with their exact terminators, so that whatever nixlima does not
// touch is written back byte for byte. Text is handled as latin1 (one char per byte): bytes
// that are not valid UTF-8 survive a round trip unchanged.
import { parse, LineType } from "ssh-config";

export interface ConfigLine {
  /** The line without its terminator. */
  text: string;
  /** "\n", "\r\n" or "" (last line without a newline). */
  eol: string;
}

export function splitLines(latin1: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  for (const m of latin1.matchAll(/([^\n]*?)(\r?\n|$)/g)) {
    if (m[0] === "" && m.index === latin1.length) break;
    lines.push({ text: m[1] ?? "", eol: m[2] ?? "" });
  }
  return lines;
}

export function joinLines(lines: ConfigLine[]): string {
  return lines.map((l) => l.text + l.eol).join("");
}

/** The file's own line ending (that of its first line); "\n" for a file with none yet. */
export function detectEol(lines: ConfigLine[]): string {
  return lines.find((l) => l.eol !== "")?.eol ?? "\n";
}

export interface Directive {
  keyword: string;
  values: string[];
}

/**
 * One line read the way ssh-config reads it (keyword case-insensitive, `=` or blanks between,
 * quotes removed), or undefined for a blank line or a comment. A line ssh-config cannot read
 * (an unbalanced quote) falls back to its first word, so a Host line is never missed.
 */
export function readDirective(text: string): Directive | undefined {
  const utf8 = Buffer.from(text, "latin1").toString("utf8");
  try {
    const line = parse(utf8)[0];
    if (line === undefined || line.type !== LineType.DIRECTIVE || !line.param) return undefined;
    const values = typeof line.value === "string" ? [line.value] : line.value.map((v) => v.val);
    return { keyword: line.param.toLowerCase(), values };
  } catch {
    const m = /^\s*([^\s=#]+)[\s=]+(.*)$/.exec(utf8);
    return m ? { keyword: m[1]!.toLowerCase(), values: m[2]!.split(/\s+/) } : undefined;
  }
}

export function isSectionLine(text: string): boolean {
  const d = readDirective(text);
  return d !== undefined && (d.keyword === "host" || d.keyword === "match");
}
