// What the subcommands share: argument parsing that reports usage errors, finding limactl from
// the environment, printing errors as `nixlima: message` + hint, and Ctrl-C as an AbortSignal.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { NixlimaError, toHelperError } from "../errors";
import { Limactl } from "../lima/limactl";
import type { CliIO } from "./command";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into usage errors; `--help` is always accepted. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (err) {
    // node's messages continue with advice about '--' that does not fit here: keep the first sentence.
    const message = err instanceof Error ? err.message : String(err);
    throw new NixlimaError("usage", message.split(/\n|\. To specify/)[0]!.replace(/\.?$/, "."));
  }
}

/** For commands that take no positional arguments. */
export function noArguments(positionals: string[]): void {
  if (positionals.length > 0) throw new NixlimaError("usage", `Unexpected argument ${JSON.stringify(positionals[0])}.`);
}

/** Exactly one positional NAME, or a usage error. */
export function oneName(positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new NixlimaError("usage", positionals.length === 0 ? "Missing the VM name." : `Expected one VM name, got ${positionals.length}.`);
  }
  return positionals[0]!;
}

/** Settings for the CLI come from the environment: NIXLIMA_LIMACTL (path) and LIMA_HOME. */
export function locateLimactl(env: NodeJS.ProcessEnv): Promise<Limactl> {
  return Limactl.locate({ path: env.NIXLIMA_LIMACTL || undefined, limaHome: env.LIMA_HOME || undefined }, env);
}

/** Prints a failure (and the usage on a usage error); returns the exit code. */
export function reportError(io: CliIO, err: unknown, usage?: string): number {
  const e = toHelperError(err);
  io.stderr.write(`nixlima: ${e.message}\n`);
  if (e.hint) io.stderr.write(`hint: ${e.hint}\n`);
  if (e.detail) io.stderr.write(`limactl said: ${e.detail}\n`);
  const usageError = e.code === "usage" || e.code === "invalid-name";
  if (e.code === "usage" && usage) io.stderr.write(`usage: ${usage}\n`);
  return usageError ? EXIT_USAGE : EXIT_FAILURE;
}

/** Aborts on the first Ctrl-C (so a start can stop its VM); a second Ctrl-C exits at once. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    },
  };
}
