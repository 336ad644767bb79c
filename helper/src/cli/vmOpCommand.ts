// The shape shared by the dev-VM operation commands (clone, rename, fork, resize, protect,
// snapshot, autostart): parse, check every name before limactl is even looked for, run with
// progress on stderr and Ctrl-C as cancel, print one sentence on stdout.
import type { ParseArgsConfig } from "node:util";
import type { Limactl } from "../lima/limactl";
import type { Reporter } from "../lima/operations";
import type { CliCommand } from "./command";
import { progressPrinter } from "./progressPrinter";
import { EXIT_OK, interruptSignal, locateLimactl, parseCommandArgs, reportError } from "./support";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface PreparedOp {
  run(l: Limactl, r: Reporter, signal: AbortSignal): Promise<string | void>;
  /** What stdout says when it worked (or what run returned). */
  done?: string;
}

export function vmOpCommand(spec: {
  name: string;
  summary: string;
  usage: string;
  options?: Options;
  /** Checks the arguments (throw a NixlimaError) and says what to run; no process starts here. */
  prepare(positionals: string[], values: Values): PreparedOp;
}): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(args, io) {
      let printer: ReturnType<typeof progressPrinter> | undefined;
      const interrupt = interruptSignal();
      try {
        const { values, positionals } = parseCommandArgs(args, { verbose: { type: "boolean", short: "v" }, ...spec.options });
        if (values.help) {
          io.stdout.write(`usage: ${spec.usage}\n`);
          return EXIT_OK;
        }
        const op = spec.prepare(positionals, values as Values);
        const limactl = await locateLimactl(io.env);
        printer = progressPrinter(io, values.verbose === true);
        const said = await op.run(limactl, printer, interrupt.signal);
        printer.done();
        const out = said ?? op.done;
        if (out) io.stdout.write(`${out}\n`);
        return EXIT_OK;
      } catch (err) {
        printer?.done();
        return reportError(io, err, spec.usage);
      } finally {
        interrupt.dispose();
      }
    },
  };
}
