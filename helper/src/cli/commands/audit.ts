// `nixlima audit VM [--json]`: what of the host a VM can reach and whether its agents run
// autonomously. Exit 0 when nothing is flagged, 1 when the VM is flagged (so scripts can gate
// on it). --json prints the protocol `Audit`.
import { auditVm } from "../../audit/audit";
import { checkVmName } from "../../shared/vmNames";
import type { Audit } from "../../protocol";
import type { CliCommand } from "../command";
import { EXIT_FAILURE, EXIT_OK, locateLimactl, oneName, parseCommandArgs, reportError } from "../support";

const usage = "nixlima audit VM [--json]";

export const auditCommand: CliCommand = {
  name: "audit",
  summary: "Show what of the host a VM can reach; flag autonomous agents with too much access",
  usage,
  async run(args, io) {
    try {
      const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
      const name = oneName(positionals);
      checkVmName(name);
      const audit = await auditVm(await locateLimactl(io.env), name, undefined, {
        onProblem: (m) => io.stderr.write(`nixlima: ${m}\n`),
      });
      io.stdout.write(values.json ? `${JSON.stringify(audit)}\n` : formatAudit(audit));
      return audit.flagged ? EXIT_FAILURE : EXIT_OK;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};

const MARK = { ok: "ok  ", info: "info", warning: "WARN" } as const;

export function formatAudit(a: Audit): string {
  const lines = [
    `${a.flagged ? "⚠ " : ""}${a.vm} (${a.status}): ${a.summary}`,
    "",
    ...a.findings.flatMap((f) => [`  ${MARK[f.level]}  ${f.title}: ${f.detail}`, ...(f.fix && f.level !== "ok" ? [`        fix: ${f.fix}`] : [])]),
  ];
  if (a.hardenChanges.length > 0) lines.push("", `\`nixlima harden ${a.vm}\` would: ${a.hardenChanges.join("; ")}.`);
  return `${lines.join("\n")}\n`;
}
