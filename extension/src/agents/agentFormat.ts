// How agent tasks read in the editor, and which stored keys a dispatch sends: pure functions,
// tested without VS Code.
import type { DispatchResult, FleetResult, Job, TaskUsage } from "../../../helper/src/protocol";
import { budgetStopSentence, describeUsage } from "../../../helper/src/shared/usageWords";
import { sanitizeTerminalText } from "../../../helper/src/shared/terminalText";

/** A pasted key: one line, no spaces. Returns the problem, or undefined when it looks right. */
export function checkApiKey(value: string): string | undefined {
  const v = value.trim();
  if (v === "") return "Paste the API key.";
  if (/\s/.test(v)) return "An API key is one word: no spaces or line breaks.";
  return undefined;
}

/** `done after 2 rounds in 1 m 4 s, exit code 0 · 3 files changed, 10 insertions(+) · 12.3k in · 1.2k out · ~$0.05` */
export function describeDispatchResult(r: DispatchResult): string {
  const rounds = `${r.rounds} round${r.rounds === 1 ? "" : "s"}`;
  const exit = r.exitCode === null ? "killed" : `exit code ${r.exitCode}`;
  const diff = r.diffStat === null ? "not a git repository" : r.diffStat.trim() === "" ? "no changes" : (r.diffStat.trim().split("\n").at(-1) ?? "").trim();
  const branch = r.branch ? ` · on branch ${r.branch}` : "";
  // Only when the agent asked the model through the proxy: "0 in · 0 out" says nothing.
  const used = r.usage?.requests ? ` · ${describeUsage(r.usage)}` : "";
  const why = r.outcome === "budget" ? `${budgetStopSentence(r)} ` : "";
  return `${why}${r.agent} in ${r.vm}: ${r.outcome} after ${rounds} in ${formatDuration(r.durationMs)}, ${exit} · ${diff}${branch}${used}`;
}

/** What a task's model requests used: its result's count when it ended, else the last progress's. */
export function taskUsage(job: Job): TaskUsage | undefined {
  return job.result?.dispatch?.usage ?? job.progress.usage;
}

/**
 * A running task's progress, on its row and in its notification: the stage, then what its model
 * requests used so far. Both already name the agent and the VM, so the helper's message (the
 * CLI's "claude in dev · …") would say them again and push the count out of sight.
 */
export function taskProgress(job: Job): string {
  const usage = job.progress.usage;
  return `${job.progress.stage}${usage?.requests ? ` · ${describeUsage(usage)}` : ""}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

/** `Fleet web: 3 of 4 created in 41 s; web-2 failed` */
export function describeFleetResult(r: FleetResult): string {
  const verb = { create: "created", stop: "stopped", delete: "deleted" }[r.action];
  const failed = r.members.filter((m) => !m.ok);
  const fails = failed.length ? `; ${failed.map((m) => m.vm).join(", ")} failed` : "";
  return `Fleet ${r.prefix}: ${r.members.length - failed.length} of ${r.members.length} ${verb} in ${formatDuration(r.durationMs)}${fails}`;
}

/**
 * One prompt file per VM: files (sorted by name) go to the VMs in order; a single file goes to
 * every VM. More files than VMs is an error, said in one sentence.
 */
export function assignPrompts<F extends { name: string }>(vms: string[], files: F[]): { vm: string; file: F }[] | string {
  if (files.length === 0) return "Choose at least one prompt file.";
  if (files.length === 1) return vms.map((vm) => ({ vm, file: files[0]! }));
  if (files.length > vms.length) return `${files.length} prompt files but only ${vms.length} running VM${vms.length === 1 ? "" : "s"} in the fleet: choose at most ${vms.length}, or one for all.`;
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return sorted.map((file, i) => ({ vm: vms[i]!, file }));
}

/**
 * A line for a task's Pseudoterminal: only text and colours (the agent cannot move the cursor
 * over, erase or forge the lines nixlima writes there), CRLF line ends as a Pseudoterminal needs.
 */
export function terminalLine(line: string): string {
  return `${sanitizeTerminalText(line).replace(/\n/g, "\r\n")}\r\n`;
}
