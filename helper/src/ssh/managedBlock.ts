// The one block nixlima keeps in the user's ssh config: markers around a single Include of
// nixlima's own file. It goes at the very top of the file: ssh keeps the first value it finds
// for each option, and an Include after a Host or Match line only applies to that host, so
// anywhere below the first Host/Match (or below a global `User`…) the VM settings could lose.
// Everything outside the markers is kept byte for byte and in order.
import { NixlimaError } from "../errors";
import { detectEol, isSectionLine, joinLines, splitLines, type ConfigLine } from "./configLines";

export const startMarker = "# >>> nixlima: managed block, `nixlima ssh-config remove` takes it out >>>";
export const endMarker = "# <<< nixlima <<<";
const startLike = /^\s*#\s*>>>\s*nixlima\b/i;
const endLike = /^\s*#\s*<<<\s*nixlima\b/i;

export interface BlockScan {
  lines: ConfigLine[];
  eol: string;
  /** Line indexes of the block's markers, when there is exactly one well-formed block. */
  block?: { start: number; end: number };
  /** Why the markers cannot be trusted (then nothing may be written). */
  markerProblem?: string;
  /** Index of the first Host or Match line outside the block, -1 when none. */
  firstSection: number;
}

/** `latin1` is the file's bytes as latin1 text (see configLines). */
export function scanBlock(latin1: string): BlockScan {
  const lines = splitLines(latin1);
  const starts: number[] = [];
  const ends: number[] = [];
  lines.forEach((l, i) => {
    if (startLike.test(l.text)) starts.push(i);
    else if (endLike.test(l.text)) ends.push(i);
  });
  const scan: BlockScan = { lines, eol: detectEol(lines), firstSection: -1 };
  const lineNo = (xs: number[]) => xs.map((i) => i + 1).join(", ");
  if (starts.length > 1 || ends.length > 1) {
    scan.markerProblem = `it has more than one nixlima block (start markers on lines ${lineNo(starts) || "none"}, end markers on lines ${lineNo(ends) || "none"})`;
  } else if (starts.length !== ends.length) {
    scan.markerProblem = starts.length
      ? `the nixlima block starting on line ${lineNo(starts)} has no end marker`
      : `it has a nixlima end marker on line ${lineNo(ends)} without a start marker`;
  } else if (starts.length === 1 && starts[0]! > ends[0]!) {
    scan.markerProblem = `the nixlima end marker (line ${lineNo(ends)}) comes before its start marker (line ${lineNo(starts)})`;
  } else if (starts.length === 1) {
    scan.block = { start: starts[0]!, end: ends[0]! };
  }
  const inBlock = (i: number) => scan.block !== undefined && i >= scan.block.start && i <= scan.block.end;
  scan.firstSection = lines.findIndex((l, i) => !inBlock(i) && isSectionLine(l.text));
  return scan;
}

/** The block's lines for `includeArg` (an already quoted path), in the file's line ending. */
export function blockLines(includeArg: string, eol: string): ConfigLine[] {
  return [startMarker, `Include ${includeArg}`, endMarker].map((text) => ({ text, eol }));
}

export type BlockAction = "inserted" | "updated" | "moved" | "unchanged" | "removed" | "absent";

/** The file with the block current and at the top (where an existing one already is, unless a Host/Match precedes it). */
export function withBlock(scan: BlockScan, includeArg: string): { text: string; action: BlockAction } {
  assertMarkersSound(scan);
  const wanted = blockLines(includeArg, scan.eol);
  const { lines, block } = scan;
  if (block === undefined) return { text: joinLines([...wanted, ...lines]), action: "inserted" };
  const rest = [...lines.slice(0, block.start), ...lines.slice(block.end + 1)];
  const scoped = scan.firstSection !== -1 && scan.firstSection < block.start;
  if (scoped) return { text: joinLines([...wanted, ...rest]), action: "moved" };
  const current = lines.slice(block.start, block.end + 1);
  const same = current.length === wanted.length && current.every((l, i) => l.text === wanted[i]!.text && l.eol === wanted[i]!.eol);
  const text = joinLines([...lines.slice(0, block.start), ...wanted, ...lines.slice(block.end + 1)]);
  return { text, action: same ? "unchanged" : "updated" };
}

/** The file without the block: exactly the user's own lines. */
export function withoutBlock(scan: BlockScan): { text: string; action: BlockAction } {
  assertMarkersSound(scan);
  const { lines, block } = scan;
  if (block === undefined) return { text: joinLines(lines), action: "absent" };
  return { text: joinLines([...lines.slice(0, block.start), ...lines.slice(block.end + 1)]), action: "removed" };
}

export function assertMarkersSound(scan: BlockScan): void {
  if (scan.markerProblem !== undefined) {
    throw new NixlimaError(
      "failed",
      `nixlima will not change your ssh config because ${scan.markerProblem}; remove the nixlima marker lines by hand, then sync again.`,
    );
  }
}
