// `nixlima fleet create|list|stop|delete`: many VMs named PREFIX-1 … PREFIX-N at once. Per-VM
// progress goes to stderr as plain lines; the summary (or --json) to stdout; exit 1 when any VM
// failed.
import { NixlimaError } from "../../errors";
import { createFleet, deleteFleet, listFleets, stopFleet, type FleetReporter } from "../../fleet/fleet";
import { checkVmName } from "../../shared/vmNames";
import { Preset, type Fleet, type FleetResult } from "../../protocol";
import type { CliCommand, CliIO } from "../command";
import { describe } from "../progressPrinter";
import { EXIT_FAILURE, EXIT_OK, interruptSignal, locateLimactl, parseCommandArgs, reportError } from "../support";

const usage = [
  "nixlima fleet create PREFIX --count N [--template agent] [--preset light|medium|heavy] [--concurrency K] [--no-start] [--image PATH] [--json]",
  "nixlima fleet list [PREFIX] [--json]",
  "nixlima fleet stop PREFIX [--json]",
  "nixlima fleet delete PREFIX [--force] [--json]",
  "  VMs are named PREFIX-1 … PREFIX-N. --concurrency defaults to one VM per host CPU, within free memory;",
  "  a fleet whose memory exceeds the host's is refused. --force deletes running VMs too.",
].join("\n");

export const fleetCommand: CliCommand = {
  name: "fleet",
  summary: "Create, list, stop or delete a fleet of VMs named PREFIX-1 … PREFIX-N",
  usage,
  async run(args, io) {
    const interrupt = interruptSignal();
    try {
      const { values, positionals } = parseCommandArgs(args, {
        count: { type: "string" },
        template: { type: "string" },
        preset: { type: "string" },
        concurrency: { type: "string" },
        "no-start": { type: "boolean" },
        image: { type: "string" },
        force: { type: "boolean", short: "f" },
        json: { type: "boolean" },
      });
      const [action, prefix, ...extra] = positionals;
      if (extra.length > 0) throw new NixlimaError("usage", `Unexpected argument ${JSON.stringify(extra[0])}.`);
      if (action === "list") {
        if (prefix !== undefined) checkVmName(prefix);
        const fleets = (await listFleets(await locateLimactl(io.env))).filter((f) => prefix === undefined || f.prefix === prefix);
        io.stdout.write(values.json ? `${JSON.stringify(fleets)}\n` : fleetTable(fleets));
        return EXIT_OK;
      }
      if (action !== "create" && action !== "stop" && action !== "delete") {
        throw new NixlimaError("usage", action === undefined ? "Missing the fleet action (create, list, stop or delete)." : `Unknown fleet action ${JSON.stringify(action)}.`);
      }
      if (prefix === undefined) throw new NixlimaError("usage", "Missing the fleet PREFIX.");
      checkVmName(prefix);
      const r = reporter(io);
      let result: FleetResult;
      if (action === "create") {
        const count = wholeNumber(values.count, "--count");
        if (count === undefined) throw new NixlimaError("usage", "fleet create needs --count N.");
        const preset = values.preset === undefined ? undefined : Preset.safeParse(values.preset);
        if (preset && !preset.success) throw new NixlimaError("usage", `--preset must be light, medium or heavy, not ${JSON.stringify(values.preset)}.`);
        const l = await locateLimactl(io.env);
        result = await createFleet(
          l,
          { prefix, count, template: values.template ?? "agent", preset: preset?.data, concurrency: wholeNumber(values.concurrency, "--concurrency"), start: values["no-start"] !== true },
          r,
          interrupt.signal,
          { image: values.image, env: io.env },
        );
      } else if (action === "stop") {
        result = await stopFleet(await locateLimactl(io.env), prefix, r, interrupt.signal);
      } else {
        result = await deleteFleet(await locateLimactl(io.env), prefix, values.force === true, r, interrupt.signal);
      }
      io.stdout.write(values.json ? `${JSON.stringify(result)}\n` : summary(result));
      return result.members.every((m) => m.ok) ? EXIT_OK : EXIT_FAILURE;
    } catch (err) {
      return reportError(io, err, usage);
    } finally {
      interrupt.dispose();
    }
  },
};

function wholeNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new NixlimaError("usage", `${flag} must be a whole number, 1 or more.`);
  return n;
}

/** Several VMs report at once, so each line names its VM (no redrawn line). */
function reporter(io: CliIO): FleetReporter {
  return {
    progress: (p) => io.stderr.write(`${describe(p)}\n`),
    member: (vm, p) => io.stderr.write(`  ${vm}: ${describe(p)}\n`),
    log: (line) => {
      if (/: (\$ |✗ )/.test(line)) io.stderr.write(`  ${line}\n`);
    },
  };
}

function summary(r: FleetResult): string {
  const failed = r.members.filter((m) => !m.ok);
  const verb = { create: "created", stop: "stopped", delete: "deleted" }[r.action];
  const lines = r.members.map((m) => `${m.ok ? "✓" : "✗"} ${m.vm}  ${(m.durationMs / 1000).toFixed(1)} s${m.error ? `  ${m.error.message}` : ""}`);
  lines.push(`Fleet ${r.prefix}: ${r.members.length - failed.length} of ${r.members.length} ${verb} in ${(r.durationMs / 1000).toFixed(1)} s (${r.concurrency} at a time)${failed.length ? `; ${failed.length} failed` : ""}.`);
  return `${lines.join("\n")}\n`;
}

function fleetTable(fleets: Fleet[]): string {
  if (fleets.length === 0) return "No fleets (VMs named PREFIX-1, PREFIX-2, …).\n";
  const rows = [["FLEET", "VMS", "RUNNING", "STOPPED", "BROKEN"], ...fleets.map((f) => [f.prefix, String(f.vms.length), String(f.running), String(f.stopped), String(f.broken)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return `${rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n")}\n`;
}
