// What every `nixlima` subcommand is: one file under cli/commands/, listed in commands/index.ts.
import type { Writable } from "node:stream";

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress may redraw one line instead of printing lines. */
  interactive: boolean;
}

export interface CliCommand {
  /** The word after `nixlima`, e.g. "list" or "ssh-config". */
  name: string;
  /** One line for `nixlima --help`. */
  summary: string;
  /** The usage line(s) shown by `nixlima NAME --help` and on a usage error. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 failure, 2 usage. */
  run(args: string[], io: CliIO): Promise<number>;
}
