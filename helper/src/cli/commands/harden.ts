// `nixlima harden VM [--yes] [--json]`: edits a stopped VM's lima.yaml to stop exposing the host
// (home mounts removed, SSH agent forwarding off, ~/.ssh keys not loaded). Without --yes it
// only prints what it would change.
import { hardenVm } from "../../audit/harden";
import { checkVmName } from "../../shared/vmNames";
import type { CliCommand } from "../command";
import { EXIT_OK, locateLimactl, oneName, parseCommandArgs, reportError } from "../support";

const usage = "nixlima harden VM [--yes] [--json]\n  --yes   apply the changes (without it, only show them)";

export const hardenCommand: CliCommand = {
  name: "harden",
  summary: "Remove home mounts, SSH agent forwarding and ~/.ssh keys from a stopped VM",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { yes: { type: "boolean", short: "y" }, json: { type: "boolean" } });
      const name = oneName(positionals);
      checkVmName(name);
      const result = await hardenVm(await locateLimactl(io.env), name, { dryRun: values.yes !== true });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(result)}\n`);
        return EXIT_OK;
      }
      if (result.changes.length === 0) io.stdout.write(`${name}: lima.yaml exposes nothing harden can remove.\n`);
      else if (result.changed) io.stdout.write(`Hardened ${name}: ${result.changes.join("; ")}.\n`);
      else io.stdout.write(`${name}: harden would ${result.changes.join("; ")}.\nRun \`nixlima harden ${name} --yes\` to apply.\n`);
      for (const r of result.remaining) io.stderr.write(`note: ${r}\n`);
      return EXIT_OK;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};
