// The templates nixlima ships (templates/*.yaml beside the bundle, or NIXLIMA_TEMPLATES), and
// how a `--template` argument is resolved: a bundled name, else the path of a Lima YAML file.
import { existsSync, statSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NixlimaError } from "../errors";
import type { TemplateInfo } from "../protocol";
import { parseTemplate, templateResources } from "./render";

/** How `nixlima templates` and the Create VM picker order the bundled ones: small to large. */
const ORDER = ["minimal", "dev", "agent"];

export interface ResolvedTemplate {
  /** The bundled name, or the file's base name without .yaml for a PATH template. */
  name: string;
  path: string;
}

/**
 * The bundled templates folder: NIXLIMA_TEMPLATES, else `templates/` next to the bundle
 * (dist/helper.js → dist/../templates) or the repository root when run from source.
 */
export function templatesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIXLIMA_TEMPLATES) return resolve(expandTilde(env.NIXLIMA_TEMPLATES));
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "templates"), join(here, "..", "..", "..", "templates")];
  const found = candidates.find((d) => existsSync(join(d, "minimal.yaml")));
  if (!found) {
    throw new NixlimaError("not-found", "nixlima's bundled templates were not found next to the helper; set NIXLIMA_TEMPLATES to a folder of Lima templates.");
  }
  return found;
}

async function bundledNames(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const names = files.filter((f) => f.endsWith(".yaml") && !f.startsWith(".")).map((f) => f.slice(0, -".yaml".length));
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A bundled name (`dev`) or a file path; anything else is an error that lists the names. */
export async function resolveTemplate(template: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTemplate> {
  const dir = templatesDir(env);
  const names = await bundledNames(dir);
  if (names.includes(template)) return { name: template, path: join(dir, `${template}.yaml`) };
  const looksLikePath = /[/\\]|\.ya?ml$/i.test(template) || template.startsWith("~");
  const path = resolve(expandTilde(template));
  if (looksLikePath || existsSync(path)) {
    if (!existsSync(path)) throw new NixlimaError("not-found", `The template file ${path} does not exist.`, `Use one of ${names.join(", ")} or the path of a Lima YAML file.`);
    if (!statSync(path).isFile()) throw new NixlimaError("failed", `The template ${path} is not a file.`, "Pass the path of a Lima YAML file.");
    return { name: basename(path).replace(/\.ya?ml$/i, ""), path };
  }
  throw new NixlimaError("not-found", `There is no template named "${template}"; the templates are ${names.join(", ")}.`, "Pass one of them, or the path of a Lima YAML file.");
}

/** Every bundled template with its description (first comment line) and default resources. */
export async function listTemplates(env: NodeJS.ProcessEnv = process.env): Promise<TemplateInfo[]> {
  const dir = templatesDir(env);
  const infos: TemplateInfo[] = [];
  for (const name of await bundledNames(dir)) {
    const path = join(dir, `${name}.yaml`);
    const text = await readFile(path, "utf8");
    try {
      infos.push({ name, description: describe(text), path, ...templateResources(parseTemplate(text, path)) });
    } catch (err) {
      // A broken file is shown with its problem rather than hiding the other templates.
      infos.push({ name, description: err instanceof Error ? err.message : String(err), path });
    }
  }
  return infos;
}

/** `# nixlima template "dev": a persistent NixOS…` → `A persistent NixOS…`. */
export function describe(text: string): string {
  const first = /^#(.*)$/m.exec(text.split("\n").find((l) => l.trim() !== "") ?? "")?.[1]?.trim() ?? "";
  const plain = first.replace(/^nixlima template "[^"]*":\s*/, "");
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

export function expandTilde(path: string, home = homedir()): string {
  return path === "~" ? home : path.startsWith("~/") ? join(home, path.slice(2)) : path;
}
