// `nixlima list [--json]`: every Lima VM with its state. --json prints a JSON array of protocol
// `Vm` objects (see ../README.md); broken VMs are listed with their errors, never dropped.
import { listVms } from "../../lima/list";
import type { Vm } from "../../protocol";
import type { CliCommand } from "../command";
import { EXIT_OK, locateLimactl, noArguments, parseCommandArgs, reportError } from "../support";

const usage = "nixlima list [--json]";

export const listCommand: CliCommand = {
  name: "list",
  summary: "List every Lima VM with its state (--json: machine-readable)",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
      noArguments(positionals);
      const vms = await listVms(await locateLimactl(io.env));
      if (values.json) io.stdout.write(`${JSON.stringify(vms)}\n`);
      else if (vms.length === 0) io.stderr.write("No VMs yet. Create one with `limactl create`.\n");
      else io.stdout.write(table(vms));
      return EXIT_OK;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};

function table(vms: Vm[]): string {
  const rows = [
    ["NAME", "STATUS", "CPUS", "MEMORY", "DISK", "ARCH", "TYPE", "SSH"],
    ...vms.map((v) => [
      v.name,
      v.status,
      v.cpus?.toString() ?? "-",
      gib(v.memoryBytes),
      gib(v.diskBytes),
      v.arch ?? "-",
      v.vmType ?? "-",
      v.status === "Running" && v.sshLocalPort ? `127.0.0.1:${v.sshLocalPort}` : "-",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  "));
  const problems = vms.flatMap((v) => v.errors.map((e) => `${v.name}: ${e}`));
  return `${[...lines, ...(problems.length ? ["", ...problems] : [])].join("\n")}\n`;
}

function gib(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const g = bytes / 1024 ** 3;
  return g >= 1 ? `${+g.toFixed(1)} GiB` : `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
