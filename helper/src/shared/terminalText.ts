// What of an agent's output may reach a terminal (the CLI's, or the editor's task terminal):
// printable text, newlines, tabs and colours (SGR, `ESC [ … m`). Everything else a terminal
// would obey is dropped, so the agent cannot move the cursor over nixlima's own lines, clear the
// screen, set the window title, write the clipboard (OSC 52), plant hyperlinks (OSC 8) or
// switch terminal modes. The agent's output reaches here as whole lines (decoded by readline),
// so each text is cleaned on its own.

const ESC = "\x1b";
/** Longest CSI kept in memory; anything longer is dropped unseen. */
const MAX_CSI = 64;
/** A colour sequence's parameters: digits, `;` and `:` only (no private `?`, `>`, `<`, `=`). */
const SGR_PARAMS = /^[0-9;:]*$/;
/** Introducers of string sequences (OSC `]`, DCS `P`, SOS `X`, PM `^`, APC `_`), dropped whole up to ST or BEL. */
const STRING_INTRODUCERS = new Set(["]", "P", "X", "^", "_"]);

type State = "text" | "esc" | "escIntermediate" | "csi" | "string" | "stringEsc";

class TerminalTextSanitizer {
  private state: State = "text";
  private csi = "";
  private afterCr = false;
  /** A colour was set on the current line and not yet reset. */
  private colourOpen = false;

  /** The part of `text` that may reach a terminal. */
  push(text: string): string {
    let out = "";
    for (const ch of text) out += this.char(ch);
    return out;
  }

  /** Ends the text: an unfinished sequence stays dropped, a colour still open is closed. */
  end(): string {
    return this.closeColour();
  }

  private closeColour(): string {
    if (!this.colourOpen) return "";
    this.colourOpen = false;
    return `${ESC}[0m`;
  }

  private char(ch: string): string {
    const afterCr = this.afterCr;
    this.afterCr = false;
    // A line break ends any sequence: it was dropped anyway, and an unterminated one must not
    // swallow the rest of the output. A colour ends with its line, so it never paints the
    // lines nixlima writes after the agent's.
    if (ch === "\n" || ch === "\r") {
      this.state = "text";
      this.csi = "";
      // "\r\n" is one line break. A lone "\r" becomes one too: kept as a carriage return it
      // would let the agent go back to the start of a line and overwrite what is there.
      if (ch === "\n" && afterCr) return "";
      this.afterCr = ch === "\r";
      return `${this.closeColour()}\n`;
    }
    // CAN and SUB abort a sequence in a terminal; here they abort it and are dropped.
    if (ch === "\x18" || ch === "\x1a") {
      this.state = "text";
      return "";
    }
    switch (this.state) {
      case "text":
        return this.text(ch);
      case "esc":
        return this.escape(ch);
      case "escIntermediate":
        if (ch >= " " && ch <= "/") return "";
        this.state = "text";
        return ch >= "0" && ch <= "~" ? "" : this.text(ch);
      case "csi":
        return this.csiChar(ch);
      case "string":
        if (ch === "\x07") this.state = "text";
        else if (ch === ESC) this.state = "stringEsc";
        return "";
      case "stringEsc":
        if (ch === "\\") {
          this.state = "text";
          return "";
        }
        return this.escape(ch);
    }
  }

  private text(ch: string): string {
    if (ch === ESC) {
      this.state = "esc";
      return "";
    }
    const code = ch.codePointAt(0)!;
    if (ch === "\t") return ch;
    // C0 controls (BEL, BS, …), DEL and the C1 controls (U+0080–U+009F: CSI, OSC, … in one character).
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return "";
    return ch;
  }

  private escape(ch: string): string {
    if (ch === "[") {
      this.state = "csi";
      this.csi = "";
    } else if (STRING_INTRODUCERS.has(ch)) {
      this.state = "string";
    } else if (ch >= " " && ch <= "/") {
      this.state = "escIntermediate";
    } else if (ch >= "0" && ch <= "~") {
      this.state = "text"; // a two-character sequence: ESC 7, ESC 8, ESC c, ESC M, …: dropped
    } else {
      this.state = "text"; // a lone ESC: dropped; the character after it counts on its own
      return this.text(ch);
    }
    return "";
  }

  private csiChar(ch: string): string {
    if (ch >= "@" && ch <= "~") {
      const params = this.csi;
      this.state = "text";
      this.csi = "";
      if (ch !== "m" || params.length > MAX_CSI || !SGR_PARAMS.test(params)) return "";
      this.colourOpen = !/^(0*|0*[;:]*)$/.test(params);
      return `${ESC}[${params}m`;
    }
    if (ch >= " " && ch <= "?") {
      if (this.csi.length <= MAX_CSI) this.csi += ch;
      return "";
    }
    // Anything else breaks the sequence off: it is dropped, the character counts on its own.
    this.state = "text";
    this.csi = "";
    return this.text(ch);
  }
}

/** `text` as it may reach a terminal, whole (a colour left open is closed at its end). */
export function sanitizeTerminalText(text: string): string {
  const s = new TerminalTextSanitizer();
  return s.push(text) + s.end();
}
