// A task's live progress and budget stop, fed the usage the proxy counts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TaskMeter } from "../../src/dispatch/taskMeter";
import type { Progress } from "../../src/protocol";

function reporter() {
  const seen: Progress[] = [];
  const warnings: string[] = [];
  return { seen, warnings, progress: (p: Progress) => seen.push(p), log: () => undefined, warn: (m: string) => warnings.push(m) };
}

test("the round's progress carries the usage so far; the budget's end aborts `spent` once", () => {
  const r = reporter();
  const meter = new TaskMeter({ agent: "claude", prompt: "p", maxTokens: 1000 }, "claude in dev", r);
  meter.round(1, 2);
  assert.deepEqual(r.seen.at(-1), { stage: "Round 1 of 2", fraction: 0, message: "claude in dev" });
  meter.budget.add({ model: "claude-sonnet-4-5", input: 500, output: 100, cacheRead: 0, cacheWrite: 0 });
  assert.equal(r.seen.at(-1)?.message, "claude in dev · 500 in · 100 out · ~$0.003");
  assert.equal(r.seen.at(-1)?.usage?.tokensIn, 500);
  assert.equal(meter.spent.signal.aborted, false);
  meter.budget.add({ model: "claude-sonnet-4-5", input: 350, output: 50, cacheRead: 0, cacheWrite: 0 });
  assert.equal(meter.spent.signal.aborted, true);
  assert.deepEqual(r.warnings, []);
});

test("an unpriced model under a cost limit gets one warning", () => {
  const r = reporter();
  const meter = new TaskMeter({ agent: "codex", prompt: "p", maxCostUsd: 1 }, "codex in dev", r);
  for (let i = 0; i < 3; i++) meter.budget.add({ model: "local-model", input: 10, output: 1, cacheRead: 0, cacheWrite: 0 });
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /no price for: the cost limit cannot count its answers/);
  assert.equal(r.seen.at(-1)?.message, "codex in dev · 30 in · 3 out");
});

test("once the model was asked, every later stage's progress keeps the count (the editor's Task row and fleet total read it)", () => {
  const r = reporter();
  const meter = new TaskMeter({ agent: "claude", prompt: "p" }, "claude in dev", r);
  const counted = meter.counting(r);
  counted.progress({ stage: "Connecting", message: "dev" });
  assert.equal(r.seen.at(-1)?.usage, undefined, "a count before any request");
  meter.budget.add({ model: "claude-sonnet-4-5", input: 500, output: 100, cacheRead: 0, cacheWrite: 0 });
  counted.progress({ stage: "Collecting the diff" });
  assert.deepEqual(r.seen.at(-1), { stage: "Collecting the diff", usage: { tokensIn: 500, tokensOut: 100, requests: 1, costUsd: 0.003 } });
});

test("a count that comes in after a later stage reports that stage, not the last round again", () => {
  const r = reporter();
  const meter = new TaskMeter({ agent: "claude", prompt: "p" }, "claude in dev", r);
  const counted = meter.counting(r);
  meter.round(1, 1);
  counted.progress({ stage: "Stopping the agent" });
  // The answer a stop cut off is counted when its stream closes.
  meter.budget.add({ model: "claude-sonnet-4-5", input: 500, output: 100, cacheRead: 0, cacheWrite: 0 });
  assert.equal(r.seen.at(-1)?.stage, "Stopping the agent");
  assert.equal(r.seen.at(-1)?.usage?.tokensIn, 500);
});
