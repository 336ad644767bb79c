// `nixlima`: finds the subcommand and runs it. Exit codes: 0 ok, 1 failure, 2 usage.
import { version } from "../version";
import type { CliIO } from "./command";
import { commands } from "./commands/index";
import { EXIT_OK, EXIT_USAGE } from "./support";

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const target = first === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(target ? `usage: ${target.usage}\n` : help());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === "--version" || first === "-V") {
    io.stdout.write(`nixlima ${version}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`nixlima: unknown command ${JSON.stringify(first)}.\nhint: run \`nixlima --help\` to see the commands.\n`);
    return EXIT_USAGE;
  }
  // `--help` anywhere before a `--` (after which arguments belong to a guest command).
  const own = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (own.includes("--help") || own.includes("-h")) {
    io.stdout.write(`usage: ${command.usage}\n`);
    return EXIT_OK;
  }
  return command.run(rest, io);
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `nixlima ${version}: NixOS virtual machines under Lima`,
    "",
    "usage: nixlima COMMAND [ARGS…]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "  nixlima COMMAND --help   usage of one command",
    "  nixlima --version        print the version",
    "",
    "Environment: NIXLIMA_LIMACTL (path to limactl), LIMA_HOME (Lima's data folder).",
    "Exit codes: 0 ok, 1 failure, 2 usage error.",
    "",
  ].join("\n");
}
