// What of an agent's output may reach a terminal: text, \n, \t and colours; nothing a terminal
// would obey beyond that, even when the agent splits a sequence across chunks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sanitizeTerminalText } from "../../src/shared/terminalText";

const clean = sanitizeTerminalText;

test("colours are kept byte for byte, and text, tabs and newlines pass unchanged", () => {
  const coloured = "\x1b[1;31merror\x1b[0m: \x1b[38;2;10;20;30mrgb\x1b[m \x1b[38:5:208mx\x1b[0m\tdone\nnext line ünïcødé ✓ 🙂\n";
  assert.equal(clean(coloured), coloured);
});

test("a colour left open is closed at the end of its line, so it cannot paint or hide the next line", () => {
  assert.equal(clean("\x1b[8mhidden\nnixlima: done"), "\x1b[8mhidden\x1b[0m\nnixlima: done");
  assert.equal(clean("\x1b[41;30mtail"), "\x1b[41;30mtail\x1b[0m");
});

test("clipboard writes, titles, hyperlinks and other strings are dropped whole", () => {
  assert.equal(clean("a\x1b]52;c;cm0gLXJmIH4K\x07b"), "ab"); // OSC 52: write the clipboard
  assert.equal(clean("a\x1b]52;c;cm0gLXJmIH4K\x1b\\b"), "ab"); // the same ended by ST
  assert.equal(clean("a\x1b]0;nixlima: task finished\x07b"), "ab"); // window title
  assert.equal(clean("\x1b]8;;https://evil.invalid/\x1b\\click\x1b]8;;\x1b\\"), "click"); // OSC 8 hyperlink
  assert.equal(clean("a\x1bP+q544e\x1b\\b\x1b_apc\x1b\\c\x1b^pm\x1b\\d\x1bXsos\x1b\\e"), "abcde"); // DCS, APC, PM, SOS
});

test("cursor moves, erases, screen switches and mode changes are dropped; their text stays", () => {
  // Up one line, to its start, erase it, write a forged status line.
  assert.equal(clean("\x1b[1A\x1b[2K\x1b[G── claude in v: done"), "── claude in v: done");
  assert.equal(clean("\x1b[2J\x1b[H\x1b[?1049h\x1b[?25l\x1b[3;1H\x1b[4h\x1b[>1m\x1b[?1m\x1b[ m x"), " x");
  assert.equal(clean("\x1b7\x1b8\x1bc\x1bM\x1b(0\x1b#8ok"), "ok"); // save/restore cursor, reset, reverse index, charset, fill screen
});

test("control characters: BEL, backspace, DEL, C1 and carriage returns cannot overwrite anything", () => {
  assert.equal(clean("a\x07b\x08\x08c\x7fd\x00e\x0bf\x0cg"), "abcdefg");
  assert.equal(clean("a\u009b2Jb\u009d0;title\u0007c\u0085d"), "a2Jb0;titlecd"); // C1 CSI, OSC, NEL in one character each
  assert.equal(clean("one\r\ntwo\r\n"), "one\ntwo\n");
  // A lone \r would return to the start of the line and print over it: it becomes a line break.
  assert.equal(clean("nixlima: 3 of 5\rnixlima: done  "), "nixlima: 3 of 5\nnixlima: done  ");
  assert.equal(clean("a\r\r\nb"), "a\n\nb");
});

test("a lone ESC, or one that breaks a sequence off, is dropped and the text after it kept", () => {
  assert.equal(clean("a\x1b"), "a");
  assert.equal(clean("a\x1b\x1b[31mb"), "a\x1b[31mb\x1b[0m");
  assert.equal(clean("a\x1b[12\x1b[1mb"), "a\x1b[1mb\x1b[0m");
  assert.equal(clean("a\x1b[12\x07b"), "ab");
  assert.equal(clean("a\x1b[1\x18mb"), "amb"); // CAN aborts
});

test("an unterminated string or overlong sequence ends at the line break; later lines still show", () => {
  assert.equal(clean("\x1b]52;c;AAAA\nvisible"), "\nvisible");
  assert.equal(clean(`\x1b[${"1;".repeat(100)}mx`), "x");
});
