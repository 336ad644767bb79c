// The shape shared by start/stop/restart/delete: parse NAME (and --force), run the operation with
// progress on stderr and Ctrl-C as cancel, print the outcome on stdout.
import type { Limactl } from "../lima/limactl";
import type { Reporter } from "../lima/operations";
import { checkVmName } from "../shared/vmNames";
import type { CliCommand } from "./command";
import { progressPrinter } from "./progressPrinter";
import { EXIT_OK, interruptSignal, locateLimactl, oneName, parseCommandArgs, reportError } from "./support";

type Operation = (l: Limactl, name: string, force: boolean, r: Reporter, signal: AbortSignal) => Promise<void>;

export function vmActionCommand(spec: {
  name: string;
  summary: string;
  withForce?: string;
  done: string;
  operation: Operation;
}): CliCommand {
  const line = `nixlima ${spec.name} NAME${spec.withForce ? " [--force]" : ""} [--verbose]`;
  const usage = spec.withForce ? `${line}\n  --force   ${spec.withForce}` : line;
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(args, io) {
      let printer: ReturnType<typeof progressPrinter> | undefined;
      const interrupt = interruptSignal();
      try {
        const { values, positionals } = parseCommandArgs(args, {
          verbose: { type: "boolean", short: "v" },
          ...(spec.withForce ? { force: { type: "boolean", short: "f" } } : {}),
        });
        if (values.help) {
          io.stdout.write(`usage: ${usage}\n`);
          return EXIT_OK;
        }
        const name = oneName(positionals);
        checkVmName(name); // before looking for limactl: a bad name never starts a process
        const limactl = await locateLimactl(io.env);
        printer = progressPrinter(io, values.verbose === true);
        await spec.operation(limactl, name, values.force === true, printer, interrupt.signal);
        printer.done();
        io.stdout.write(`${spec.done.replace("NAME", name)}\n`);
        return EXIT_OK;
      } catch (err) {
        printer?.done();
        return reportError(io, err, usage);
      } finally {
        interrupt.dispose();
      }
    },
  };
}
