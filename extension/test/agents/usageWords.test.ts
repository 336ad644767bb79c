// How a task's model usage and budget read in the editor: the result's sentence, the usage a
// task row and a fleet's total take, and the dispatch flow's budget answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DispatchResult, Job } from "../../../helper/src/protocol";
import { budgetText, parseBudget } from "../../../helper/src/shared/usageWords";
import { describeDispatchResult, taskUsage } from "../../src/agents/agentFormat";

const result: DispatchResult = {
  vm: "a-1",
  agent: "claude",
  outcome: "budget",
  exitCode: null,
  rounds: 2,
  durationMs: 64_400,
  workdir: "/work",
  diffStat: "",
  patch: "",
  patchTruncated: false,
  usage: { tokensIn: 48_200, tokensOut: 2_100, costUsd: 0.1765, requests: 9 },
  maxTokens: 50_000,
  maxCostUsd: 5,
};

test("a budget stop says which limit it used, in a plain sentence, and the usage follows the result", () => {
  assert.equal(describeDispatchResult(result), "Stopped: the task used its budget of 50,000 tokens. claude in a-1: budget after 2 rounds in 1 m 4 s, killed · no changes · 48.2k in · 2.1k out · ~$0.18");
  const byCost = describeDispatchResult({ ...result, maxTokens: undefined, maxCostUsd: 0.15 });
  assert.match(byCost, /^Stopped: the task used its budget of \$0\.15 \(estimated\)\. /);
  const noProxy = describeDispatchResult({ ...result, outcome: "done", exitCode: 0, usage: undefined });
  assert.equal(noProxy, "claude in a-1: done after 2 rounds in 1 m 4 s, exit code 0 · no changes");
  const noRequests = describeDispatchResult({ ...result, outcome: "done", exitCode: 0, usage: { tokensIn: 0, tokensOut: 0, requests: 0 } });
  assert.equal(noRequests, "claude in a-1: done after 2 rounds in 1 m 4 s, exit code 0 · no changes");
});

test("a task's usage: its result's when it ended, else its last progress's", () => {
  const running = { progress: { stage: "Round 1 of 2", usage: { tokensIn: 10, tokensOut: 1, requests: 1 } } } as unknown as Job;
  assert.deepEqual(taskUsage(running), { tokensIn: 10, tokensOut: 1, requests: 1 });
  const ended = { ...running, result: { dispatch: result } } as Job;
  assert.equal(taskUsage(ended)?.tokensIn, 48_200);
  assert.equal(taskUsage({ progress: { stage: "Queued" } } as unknown as Job), undefined);
});

test("the budget answer: tokens, a cost, both, or none; one clear sentence otherwise", () => {
  assert.deepEqual(parseBudget(""), {});
  assert.deepEqual(parseBudget("200k"), { maxTokens: 200_000 });
  assert.deepEqual(parseBudget("$2"), { maxCostUsd: 2 });
  assert.deepEqual(parseBudget(" 1.5M, $0.50 "), { maxTokens: 1_500_000, maxCostUsd: 0.5 });
  assert.throws(() => parseBudget("200k 300k"), /Give at most one token limit and one cost limit, for example 200k \$2\./);
  assert.throws(() => parseBudget("lots"), /"lots" is not a token limit/);
  assert.throws(() => parseBudget("$free"), /"\$free" is not a cost limit/);
  assert.deepEqual(parseBudget(budgetText({ maxTokens: 200_000, maxCostUsd: 2.5 })), { maxTokens: 200_000, maxCostUsd: 2.5 });
  assert.equal(budgetText({}), "");
});
