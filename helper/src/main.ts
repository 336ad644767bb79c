// Entry point of dist/helper.js: the `nixlima` command-line tool, and (with the hidden
// `__serve` command) the long-lived helper process the extension talks to.
import { runCli } from "./cli/main";
import { serve } from "./daemon/serve";

const argv = process.argv.slice(2);
if (argv[0] === "__serve") {
  serve(argv.slice(1)).catch((err: unknown) => {
    process.stderr.write(`nixlima helper: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
} else {
  runCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
  }).then((code) => process.exit(code));
}
