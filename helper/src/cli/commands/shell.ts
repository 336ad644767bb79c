// `nixlima shell NAME [-- CMD…]`: a shell (or CMD) in a running VM through `limactl shell`, on the
// user's terminal; exits with the remote command's exit code.
import { execa } from "execa";
import { NixlimaError } from "../../errors";
import { checkVmName } from "../../shared/vmNames";
import { inspectVm, shellArgs } from "../../lima/operations";
import type { CliCommand } from "../command";
import { EXIT_FAILURE, locateLimactl, parseCommandArgs, reportError } from "../support";

const usage = "nixlima shell NAME [-- CMD…]";

export const shellCommand: CliCommand = {
  name: "shell",
  summary: "Open a shell in a running VM, or run CMD there",
  usage,
  async run(args, io) {
    try {
      const dash = args.indexOf("--");
      const { positionals } = parseCommandArgs(dash < 0 ? args : args.slice(0, dash), {});
      const [name, ...rest] = positionals;
      if (name === undefined) throw new NixlimaError("usage", "Missing the VM name.");
      const cmd = [...rest, ...(dash < 0 ? [] : args.slice(dash + 1))];
      checkVmName(name);
      const limactl = await locateLimactl(io.env);
      // Checked here so the user gets nixlima's sentence rather than limactl's text log line.
      const vm = await inspectVm(limactl, name, undefined);
      if (vm.status !== "Running") {
        throw new NixlimaError("not-running", `VM \`${name}\` is not running (${vm.status}).`, `Start it with \`nixlima start ${name}\`.`);
      }
      // The terminal's Ctrl-C belongs to the remote program; nixlima waits for it to end.
      const ignore = () => {};
      process.on("SIGINT", ignore);
      try {
        const result = await execa(limactl.path, shellArgs(name, cmd), {
          env: limactl.env,
          extendEnv: false,
          stdio: "inherit",
          reject: false,
        });
        if (result.exitCode !== undefined) return result.exitCode;
        return EXIT_FAILURE;
      } finally {
        process.off("SIGINT", ignore);
      }
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};
