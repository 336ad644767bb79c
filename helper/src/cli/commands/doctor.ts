// `nixlima doctor [--json]`: checks this machine can run nixlima's VMs. --json prints
// {"ok": boolean, "checks": DoctorCheck[]} (see ../README.md). Exit 1 when a required check
// fails; optional ones (KVM, Nix) only advise.
import { runDoctor } from "../../doctor";
import type { CliCommand } from "../command";
import { EXIT_FAILURE, EXIT_OK, noArguments, parseCommandArgs, reportError } from "../support";

const usage = "nixlima doctor [--json]";

export const doctorCommand: CliCommand = {
  name: "doctor",
  summary: "Check this machine: limactl, ssh and its config, virtualization, Nix, guests (--json)",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
      noArguments(positionals);
      const checks = await runDoctor({
        limactl: { path: io.env.NIXLIMA_LIMACTL || undefined, limaHome: io.env.LIMA_HOME || undefined },
        env: io.env,
      });
      const ok = checks.every((c) => c.ok || c.optional);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ ok, checks })}\n`);
      } else {
        for (const c of checks) {
          io.stdout.write(`${c.ok ? "✓" : c.optional ? "!" : "✗"} ${c.title}: ${c.detail}\n`);
          if (!c.ok && c.fix) io.stdout.write(`    fix: ${c.fix}\n`);
        }
      }
      return ok ? EXIT_OK : EXIT_FAILURE;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};
