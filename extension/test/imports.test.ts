// The boundary the README draws: the extension is UI only. It imports the protocol (its types,
// its wire and how a window reaches and checks the helper) and the pure shared rules, nothing
// else of the helper; the shared rules touch no Node module, so they run the same on both
// sides; and no file imports itself round a cycle.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const rel = (abs: string) => relative(ROOT, abs);

/** What the extension may import from helper/: the protocol (protocol.ts and its parts, protocol*.ts) and the shared rules. */
const PROTOCOL = ["rpc.ts", "errors.ts", "version.ts"].map((f) => `helper/src/${f}`);
const allowedFromExtension = (path: string) => PROTOCOL.includes(path) || /^helper\/src\/protocol\w*\.ts$/.test(path) || /^helper\/src\/(shared|connect)\//.test(path);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file names in an import, export … from, import() or require(). */
function specifiers(text: string): string[] {
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/g), ...text.matchAll(/(?:import|require)\(\s*["']([^"']+)["']\s*\)/g), ...text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)];
  return found.map((m) => m[1]!);
}

/** The repo file a relative specifier names (`../x` → `…/x.ts` or `…/x/index.ts`); undefined for a package. */
function resolveLocal(from: string, spec: string, files: Set<string>): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = rel(resolve(ROOT, dirname(from), spec));
  return [base, `${base}.ts`, join(base, "index.ts")].find((p) => files.has(p)) ?? base;
}

const extensionFiles = sources("extension/src");
const helperFiles = sources("helper/src");
const all = new Set([...extensionFiles, ...helperFiles]);
const importsOf = (file: string) => specifiers(readFileSync(join(ROOT, file), "utf8"));

test("the extension imports nothing of the helper but the protocol and the shared rules", () => {
  assert.ok(extensionFiles.length > 20, "the extension's sources were found");
  const helperImports = extensionFiles.flatMap((f) => importsOf(f).map((s) => ({ f, target: resolveLocal(f, s, all) }))).filter((i) => i.target?.startsWith("helper/"));
  assert.ok(helperImports.length > 0, "the extension's imports of the protocol were seen");
  const outside = helperImports.filter((i) => !allowedFromExtension(i.target!)).map((i) => `${i.f} imports ${i.target}`);
  assert.deepEqual(outside, []);
});

test("what the extension may import leads nowhere else in the helper", () => {
  const allowed = helperFiles.filter(allowedFromExtension);
  assert.ok(allowed.some((f) => f.startsWith("helper/src/shared/")), "the shared rules were found");
  const reached = allowed.flatMap((f) => importsOf(f).map((s) => ({ f, target: resolveLocal(f, s, all) })));
  const outside = reached.filter((i) => i.target?.startsWith("helper/src/") && !allowedFromExtension(i.target)).map((i) => `${i.f} imports ${i.target}`);
  assert.deepEqual(outside, []);
});

test("the shared rules are pure: no Node module but path arithmetic, so no process, file or network", () => {
  const shared = helperFiles.filter((f) => f.startsWith("helper/src/shared/"));
  const impure = shared.flatMap((f) => importsOf(f).filter((s) => (s.startsWith("node:") && s !== "node:path") || ["execa", "fs", "child_process", "os", "net"].includes(s)).map((s) => `${f} imports ${s}`));
  assert.deepEqual(impure, []);
});

test("no source file imports itself round a cycle", () => {
  const edges = new Map([...all].map((f) => [f, importsOf(f).flatMap((s) => resolveLocal(f, s, all) ?? []).filter((t) => all.has(t))]));
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (f: string, path: string[]): void => {
    state.set(f, "open");
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === "open") cycles.push([...path.slice(path.indexOf(t)), t].join(" → "));
      else if (!state.has(t)) visit(t, [...path, t]);
    }
    state.set(f, "done");
  };
  for (const f of all) if (!state.has(f)) visit(f, [f]);
  assert.ok([...edges.values()].some((t) => t.length > 0), "the import graph has edges");
  assert.deepEqual(cycles, []);
});

test("the extension starts no process but the helper, and reads no Claude login itself", () => {
  const text = new Map(extensionFiles.map((f) => [f, readFileSync(join(ROOT, f), "utf8")]));
  const spawning = extensionFiles.filter((f) => importsOf(f).some((s) => ["node:child_process", "child_process", "execa"].includes(s)));
  assert.deepEqual(spawning, ["extension/src/helperLaunch.ts"], "only helperLaunch.ts starts a process: the helper");
  const readsClaude = extensionFiles.filter((f) => /\.claude\b/.test(text.get(f)!) && /\b(readFile|readFileSync|createReadStream|openSync|homedir)\b/.test(text.get(f)!));
  assert.deepEqual(readsClaude, []);
});
