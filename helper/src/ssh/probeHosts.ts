// The host names whose `ssh -G` must not change when nixlima edits the config: every literal
// name in a Host or Match line, one sample name for each wildcard pattern, and one unrelated
// name (catches a change to `Host *` or to global options) — in the file and in the files it
// Includes, the way ssh finds them.
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { readDirective } from "./configLines";
import { accountHome } from "./paths";

export const unrelatedProbe = "nixlima-probe.invalid";
const maxProbes = 200;

export async function probeHosts(latin1: string, opts: { skipFiles?: string[]; home?: string } = {}): Promise<string[]> {
  const home = opts.home ?? accountHome();
  const found = new Set<string>([unrelatedProbe]);
  const seen = new Set<string>(opts.skipFiles ?? []);
  const visit = async (text: string, depth: number): Promise<void> => {
    for (const line of text.split("\n")) {
      const d = readDirective(line.replace(/\r$/, ""));
      if (d === undefined) continue;
      if (d.keyword === "host") d.values.forEach((p) => addPattern(found, p));
      else if (d.keyword === "match") matchHosts(d.values).forEach((p) => addPattern(found, p));
      else if (d.keyword === "include" && depth < 8) {
        for (const pattern of d.values) {
          for (const file of await expandInclude(pattern, home)) {
            if (seen.has(file)) continue;
            seen.add(file);
            const content = await readFile(file, "latin1").catch(() => undefined);
            if (content !== undefined) await visit(content, depth + 1);
          }
        }
      }
    }
  };
  await visit(latin1, 0);
  return [...found].slice(0, maxProbes);
}

/** The values of `host`/`originalhost` criteria of a Match line. */
function matchHosts(values: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const k = values[i]!.toLowerCase();
    if ((k === "host" || k === "originalhost") && values[i + 1] !== undefined) out.push(values[++i]!);
  }
  return out;
}

function addPattern(found: Set<string>, list: string): void {
  for (const p of list.split(",")) {
    if (p === "" || p.startsWith("!")) continue;
    found.add(p.replace(/\*/g, "nixlima-probe").replace(/\?/g, "x"));
  }
}

/** An Include argument as ssh expands it: `~` from the account, relative to ~/.ssh, glob. */
export async function expandInclude(pattern: string, home: string): Promise<string[]> {
  let path = pattern.startsWith("~/") ? join(home, pattern.slice(2)) : pattern;
  if (!isAbsolute(path)) path = join(home, ".ssh", path);
  return globPath(path);
}

async function globPath(path: string): Promise<string[]> {
  const parts = path.split("/").filter((p) => p !== "");
  let bases = ["/"];
  for (const part of parts) {
    const literal = !/[*?[]/.test(part);
    const next: string[] = [];
    for (const base of bases) {
      if (literal) {
        next.push(join(base, part.replace(/\\(.)/g, "$1")));
        continue;
      }
      const re = globRegex(part);
      const names = await readdir(base).catch(() => [] as string[]);
      for (const n of names.sort()) if (re.test(n) && !(n.startsWith(".") && !part.startsWith("."))) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}

function globRegex(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "\\" && i + 1 < part.length) re += part[++i]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = part.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        re += `[${part.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
