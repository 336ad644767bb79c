// The budget stop of a real CLI in the test guest (codex.vm, opencode.vm): dispatched with
// --max-tokens below the answers it needs, against the scripted Responses model upstream of the
// task's proxy. Its first step starts the budget probe (budgetProbe.ts); the answer that uses the
// budget up gives it a long command. Checks: outcome "budget" with the tokens counted and the
// sentence people see; no request after the limit reached the model; the probe got the proxy's
// 402 with nixlima's words; the CLI was killed in its long command and no branch was made.
import assert from "node:assert/strict";
import { budgetSentence } from "../../helper/src/shared/usageWords";
import { nixlima } from "../../helper/test/audit/cliHarness";
import type { RealAgent } from "./agentCli";
import { BUDGET_PROBE_FILE, BUDGET_PROBE_STARTED, START_BUDGET_PROBE } from "./budgetProbe";
import { withUpstream } from "./modelServer";
import type { RealAgentVm } from "./realAgentVm";
import { RESPONSES_USAGE, startResponsesServer } from "./responsesServer";
import { secondsSince } from "./testVmRun";

/**
 * `sideAnswers`: the answers the CLI asks for beside its own turns before its second turn (OpenCode
 * asks for a session title), which count against the budget too.
 */
export async function assertBudgetStop(vm: RealAgentVm, name: string, agent: RealAgent, sideAnswers: number): Promise<void> {
  const guest = vm.guest;
  await guest(`sudo rm -f /home/agent/${BUDGET_PROBE_FILE} /home/agent/${BUDGET_PROBE_STARTED}`);
  const perAnswer = RESPONSES_USAGE.input_tokens + RESPONSES_USAGE.output_tokens;
  const answers = sideAnswers + 2;
  // The answers up to the first turn leave budget; the second turn's uses it while the CLI has a long command to run.
  const limit = (answers - 1) * perAnswer + 50;
  const server = await startResponsesServer([START_BUDGET_PROBE, "sleep 600 && touch .nixlima-done"], { tls: true });
  const { repo, prompt } = vm.newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const run = await nixlima(vm.limaHome, ["dispatch", name, prompt, "--agent", agent, "--project", repo.root, "--max-tokens", String(limit)], { OPENAI_API_KEY: "sk-proj-budget-test" });
    console.log(`real ${agent}: dispatch to budget stop in ${secondsSince(start)} s`);
    const log = run.stdout + run.stderr;
    // A dispatch that failed before its agent ran: the guest's memory, disk and kernel messages beside its log.
    if (!run.stdout.includes(`--- ${agent} in ${name}`)) assert.fail(`${log}\n${await guest("free -m; df -h / /tmp; sudo dmesg | tail -n 20; true")}`);
    assert.notEqual(run.code, 0, log);
    const used = `${answers * RESPONSES_USAGE.input_tokens} in · ${answers * RESPONSES_USAGE.output_tokens} out`;
    assert.match(run.stdout, new RegExp(`--- ${agent} in ${name}: budget after 1 round, [\\d.]+ s, killed; ${used}`), log);
    assert.ok(run.stdout.includes(budgetSentence({ maxTokens: limit })), log);
    // No request after the limit reached the model.
    assert.equal(server.seen.filter((s) => s.url === "/openai/v1/responses").length, answers, server.seen.map((s) => s.url).join("\n"));
    // The proxy passed the probe's requests while the budget lasted, then refused with 402.
    const probe = await guest(`sudo cat /home/agent/${BUDGET_PROBE_FILE} 2>&1; true`);
    const why = `${probe}\nasked: ${server.seen.map((s) => s.url).join(" ")}\n${agent}'s tool outputs:\n${server.toolOutputs.map((o) => o.slice(0, 400)).join("\n")}\n${log}`;
    assert.match(probe, /^(404\n)+402\nanswer: /, why);
    assert.match(probe, new RegExp(`^answer: .*This task used its budget of ${limit} tokens\\. nixlima refuses its further model requests\\.`, "m"), why);
    // The real CLI was stopped in its long command: nothing of the agent user runs, no done marker came back.
    assert.equal((await guest("pgrep -c -u agent; true")).trim(), "0");
    assert.match(run.stdout, /no branch was made|no changes/, log);
  });
}
