// `nixlima dispatch VM PROMPT.md --agent claude|codex|opencode [--loop N] [--timeout DURATION]
// [--max-tokens N] [--max-cost USD] [--project DIR | --workdir DIR] [--json]`: runs the agent in the VM with its autonomous flag, on
// a clone of the host repository (the current folder's, or --project's); its work comes back as
// branch nixlima/VM/TASK, which `nixlima task review|merge|discard` then handles. The agent's
// output streams to stdout (to stderr with --json), progress to stderr; at the end the outcome,
// and the diff it left. The key comes from ANTHROPIC_API_KEY / OPENAI_API_KEY and reaches the
// guest only through ssh's stdin. Exit 0 when the agent finished or wrote the done marker.
import { readFile } from "node:fs/promises";
import { dispatch } from "../../dispatch/dispatch";
import { AGENT_KEYS, agentSecrets } from "../../shared/agentKeys";
import { parseDuration } from "../../shared/duration";
import { budgetStopSentence, describeUsage, parseCostLimit, parseTokenLimit } from "../../shared/usageWords";
import { DONE_MARKER } from "../../dispatch/remoteScript";
import { NOT_SANDBOXED_FLAG } from "../../dispatch/sandboxWarning";
import { NixlimaError } from "../../errors";
import { inspectVm } from "../../lima/operations";
import { checkVmName } from "../../shared/vmNames";
import { AgentName, type DispatchResult } from "../../protocol";
import type { CliCommand } from "../command";
import { progressPrinter } from "../progressPrinter";
import { agentLineWriter, writeAgentText } from "../agentOutput";
import { EXIT_FAILURE, EXIT_OK, interruptSignal, locateLimactl, parseCommandArgs, reportError } from "../support";

const usage = [
  `nixlima dispatch VM PROMPT.md --agent claude|codex|opencode [--loop N] [--timeout DURATION] [--max-tokens N] [--max-cost USD] [--workdir DIR] [${NOT_SANDBOXED_FLAG}] [--json]`,
  `  --loop N        run up to N rounds; stop early when the agent creates ${DONE_MARKER} in the workdir`,
  "  --timeout D     wall-clock limit for the whole run (90s, 30m, 2h, 1h30m); the agent is then killed",
  "  --max-tokens N  budget of model tokens, in and out (200000, 200k, 1.5M); past it requests are refused",
  "                  and the agent is stopped (counted by nixlima's key proxy: needs the API key given here)",
  "  --max-cost USD  budget as an estimated cost in US dollars (2, 0.50), from list prices; the same stop",
  "  --project DIR   the host git repository cloned into the VM (default: the current folder's);",
  "                  the agent's work comes back as branch nixlima/VM/TASK; the host folder never changes",
  "  --workdir DIR   run in this guest folder instead, in place (a writable mount: host files change directly)",
  `  ${NOT_SANDBOXED_FLAG} run even though the VM's guest does not show an agent sandbox (agent user`,
  "                  without sudo, egress filter loaded); without it such a VM is refused",
  "  --json          print the result as JSON on stdout (the agent's output goes to stderr)",
].join("\n");

export const dispatchCommand: CliCommand = {
  name: "dispatch",
  summary: "Run a coding agent autonomously in a VM on a prompt file; show the diff it left",
  usage,
  async run(args, io) {
    const interrupt = interruptSignal();
    let printer: ReturnType<typeof progressPrinter> | undefined;
    try {
      const { values, positionals } = parseCommandArgs(args, {
        agent: { type: "string" },
        loop: { type: "string" },
        timeout: { type: "string" },
        "max-tokens": { type: "string" },
        "max-cost": { type: "string" },
        workdir: { type: "string" },
        project: { type: "string" },
        json: { type: "boolean" },
        "not-sandboxed": { type: "boolean" },
      });
      if (positionals.length !== 2) throw new NixlimaError("usage", "dispatch needs a VM name and a prompt file.");
      const [name, promptFile] = positionals as [string, string];
      checkVmName(name);
      const agent = AgentName.safeParse(values.agent);
      if (!agent.success) throw new NixlimaError("usage", `--agent must be claude, codex or opencode${values.agent ? `, not ${JSON.stringify(values.agent)}` : ""}.`);
      const loop = values.loop === undefined ? undefined : Number(values.loop);
      if (loop !== undefined && !(Number.isInteger(loop) && loop > 0)) throw new NixlimaError("usage", "--loop must be a whole number of rounds, 1 or more.");
      const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
      const maxTokens = values["max-tokens"] === undefined ? undefined : parseTokenLimit(values["max-tokens"]);
      const maxCostUsd = values["max-cost"] === undefined ? undefined : parseCostLimit(values["max-cost"]);
      const prompt = await readFile(promptFile, "utf8").catch(() => {
        throw new NixlimaError("not-found", `Cannot read the prompt file ${promptFile}.`, "Pass the path of a readable Markdown or text file.");
      });
      if (!prompt.trim()) throw new NixlimaError("usage", `The prompt file ${promptFile} is empty.`);
      const secrets = agentSecrets(agent.data, io.env);
      if (Object.keys(secrets).length === 0) {
        io.stderr.write(`nixlima: warning: ${AGENT_KEYS[agent.data].join(" / ")} is not set; the agent must find its own credentials in the VM.\n`);
      }
      const limactl = await locateLimactl(io.env);
      printer = progressPrinter(io);
      const vm = await inspectVm(limactl, name, printer, interrupt.signal);
      const agentOut = values.json ? io.stderr : io.stdout;
      const result = await dispatch(
        vm,
        { agent: agent.data, prompt, loop, timeoutMs, maxTokens, maxCostUsd, notSandboxed: values["not-sandboxed"] === true, ...(values.workdir === undefined ? { project: values.project ?? process.cwd() } : { workdir: values.workdir }) },
        secrets,
        { ...printer, output: agentLineWriter(agentOut), warn: (message) => io.stderr.write(`nixlima: warning: ${message}\n`) },
        interrupt.signal,
      );
      printer.done();
      if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else writeAgentText(io.stdout, formatResult(result));
      return result.outcome === "done" || result.outcome === "finished" ? EXIT_OK : EXIT_FAILURE;
    } catch (err) {
      printer?.done();
      return reportError(io, err, usage);
    } finally {
      interrupt.dispose();
    }
  },
};

function formatResult(r: DispatchResult): string {
  const exit = r.exitCode === null ? "killed" : `exit code ${r.exitCode}`;
  const used = r.usage?.requests ? `; ${describeUsage(r.usage)}` : "";
  const why = r.outcome === "budget" ? `${budgetStopSentence(r)}\n` : "";
  const head = `\n--- ${r.agent} in ${r.vm}: ${r.outcome} after ${r.rounds} round${r.rounds === 1 ? "" : "s"}, ${(r.durationMs / 1000).toFixed(1)} s, ${exit}${used}; workdir ${r.workdir}\n${why}`;
  if (r.branch === null) return `${head}(no changes: no branch was made)\n`;
  if (r.diffStat === null) return `${head}(not a git repository: no diff)\n`;
  if (!r.diffStat.trim()) return `${head}(no changes)\n`;
  const body = `${head}${r.diffStat}\n${r.patch ?? ""}${r.patchTruncated ? "\n(patch truncated)\n" : ""}`;
  if (!r.branch) return body;
  const commits = `${r.commits ?? 0} commit${r.commits === 1 ? "" : "s"}`;
  const where = r.project && r.project !== process.cwd() ? ` --project ${JSON.stringify(r.project)}` : "";
  const next = ["review", "merge", "discard"].map((a) => `  nixlima task ${a} ${r.branch}${where}\n`).join("");
  return `${body}\nThe agent's work is on branch ${r.branch} of ${r.project} (${commits}); your working tree is unchanged.\n${next}`;
}
