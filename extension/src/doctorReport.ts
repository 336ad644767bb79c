// The doctor's report as the Markdown document the extension opens.
import type { DoctorCheck } from "../../helper/src/protocol";

export function doctorMarkdown(checks: DoctorCheck[]): string {
  const failed = checks.filter((c) => !c.ok && !c.optional).length;
  const lines = [
    "# nixlima doctor",
    "",
    failed === 0 ? "Everything nixlima needs is in place." : `${failed} of ${checks.length} checks need attention.`,
    "",
  ];
  for (const c of checks) {
    lines.push(`## ${c.ok ? "✅" : c.optional ? "⚠️" : "❌"} ${c.title}`, "", c.detail, "");
    if (c.fix) lines.push(`**Fix:** ${c.fix}`, "");
  }
  return lines.join("\n");
}
