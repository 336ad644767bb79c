// The one way nixlima quotes a word for a POSIX shell: for the guest's login shell (ssh joins its
// arguments with spaces), and for command lines shown to people that they may paste.
import { NixlimaError } from "../errors";

const PLAIN = /^[\w@%+=:,./-]+$/;

/** Always quoted: the shell sees exactly `s`. */
export function shellQuote(s: string): string {
  if (s.includes("\0")) throw new NixlimaError("usage", "An argument for the guest contains a NUL byte.");
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quoted only when it needs to be, so a shown command line stays readable. */
export function shellWord(s: string): string {
  return PLAIN.test(s) ? s : shellQuote(s);
}
