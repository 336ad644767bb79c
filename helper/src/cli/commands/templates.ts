// `nixlima templates [--json]`: the bundled templates with their description and resources.
// --json prints a JSON array of protocol `TemplateInfo` objects (see ../README.md).
import type { TemplateInfo } from "../../protocol";
import { listTemplates } from "../../templates/catalog";
import type { CliCommand } from "../command";
import { EXIT_OK, noArguments, parseCommandArgs, reportError } from "../support";

const usage = "nixlima templates [--json]";

export const templatesCommand: CliCommand = {
  name: "templates",
  summary: "List the templates `nixlima create` can use (--json: machine-readable)",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
      noArguments(positionals);
      const templates = await listTemplates(io.env);
      io.stdout.write(values.json ? `${JSON.stringify(templates)}\n` : table(templates));
      return EXIT_OK;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};

function table(templates: TemplateInfo[]): string {
  const rows = [
    ["NAME", "CPUS", "MEMORY", "DISK", "DESCRIPTION"],
    ...templates.map((t) => [t.name, t.cpus?.toString() ?? "-", gib(t.memoryGiB), gib(t.diskGiB), t.description]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "));
  const dirs = [...new Set(templates.map((t) => t.path.replace(/\/[^/]*$/, "")))];
  return `${[...lines, "", ...dirs.map((d) => `Templates in ${d}`)].join("\n")}\n`;
}

function gib(n: number | undefined): string {
  return n === undefined ? "-" : `${n} GiB`;
}
