import assert from "node:assert/strict";
import { test } from "node:test";
import type { DispatchResult, FleetResult, Job } from "../../../helper/src/protocol";
import { assignPrompts, checkApiKey, describeDispatchResult, describeFleetResult, formatDuration, taskProgress, terminalLine } from "../../src/agents/agentFormat";

test("a pasted key is one word", () => {
  assert.equal(checkApiKey("  sk-ant-123 "), undefined);
  assert.match(checkApiKey("")!, /Paste/);
  assert.match(checkApiKey("sk-ant 123")!, /one word/);
  assert.match(checkApiKey("sk\nx")!, /one word/);
});

const result: DispatchResult = {
  vm: "a-1",
  agent: "claude",
  outcome: "done",
  exitCode: 0,
  rounds: 2,
  durationMs: 64_400,
  workdir: "/work",
  diffStat: " notes.txt | 2 ++\n 1 file changed, 2 insertions(+)\n",
  patch: "diff --git …",
  patchTruncated: false,
};

test("a run's result reads outcome, rounds, duration, exit status and the diff's summary", () => {
  assert.equal(describeDispatchResult(result), "claude in a-1: done after 2 rounds in 1 m 4 s, exit code 0 · 1 file changed, 2 insertions(+)");
  assert.equal(describeDispatchResult({ ...result, outcome: "stopped", exitCode: null, rounds: 1, diffStat: "" }), "claude in a-1: stopped after 1 round in 1 m 4 s, killed · no changes");
  assert.equal(describeDispatchResult({ ...result, branch: "nixlima/a-1/0123abcd", commits: 1 }), "claude in a-1: done after 2 rounds in 1 m 4 s, exit code 0 · 1 file changed, 2 insertions(+) · on branch nixlima/a-1/0123abcd");
  assert.match(describeDispatchResult({ ...result, diffStat: null }), /not a git repository$/);
  assert.equal(formatDuration(3_600_000 + 120_000), "1 h 2 m");
});

test("a fleet's result names what failed", () => {
  const r: FleetResult = {
    prefix: "web",
    action: "create",
    concurrency: 2,
    durationMs: 41_000,
    members: [
      { vm: "web-1", ok: true, durationMs: 1 },
      { vm: "web-2", ok: false, durationMs: 1, error: { code: "already-exists", message: "x" } },
    ],
  };
  assert.equal(describeFleetResult(r), "Fleet web: 1 of 2 created in 41 s; web-2 failed");
});

test("prompt files go to the VMs in name order; one file goes to all; too many is refused", () => {
  const f = (name: string) => ({ name });
  assert.deepEqual(assignPrompts(["w-1", "w-2", "w-3"], [f("task-10.md"), f("task-2.md")]), [
    { vm: "w-1", file: f("task-2.md") },
    { vm: "w-2", file: f("task-10.md") },
  ]);
  assert.deepEqual(assignPrompts(["w-1", "w-2"], [f("P.md")]), [
    { vm: "w-1", file: f("P.md") },
    { vm: "w-2", file: f("P.md") },
  ]);
  assert.match(assignPrompts(["w-1"], [f("a"), f("b")]) as string, /^2 prompt files but only 1 running VM in the fleet/);
  assert.match(assignPrompts(["w-1"], []) as string, /at least one/);
});

test("terminal lines end in CRLF", () => {
  assert.equal(terminalLine("a\nb"), "a\r\nb\r\n");
});

/** Every escape in `written` is a colour (ESC [ digits ; : m) and every CR starts a CRLF. */
function onlyTextAndColours(written: string): boolean {
  return !/\x1b(?!\[[0-9;:]*m)|\r(?!\n)|[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/.test(written);
}

test("the task terminal gets only text and colours from the agent: nixlima's status line cannot be erased or forged", () => {
  const agent = [
    "\x1b[1A\x1b[2K\r── claude in a-1: done after 1 round", // up a line, erase it, write a fake result
    "\x1b]52;c;cm0gLXJmIH4K\x07\x1b]0;nixlima\x07\x1b[?1049h\x1b[2J\x1b[H", // clipboard, title, alternate screen, clear
    "progress 10%\rprogress 99%\u009b1A\x1b7\x1b8\x08\x08\x07",
    "\x1b[8m\x1b[30;40m", // conceal and black on black, left open for the next line
  ];
  const written = agent.map(terminalLine).join("") + terminalLine("── claude in a-1: failed");
  assert.ok(onlyTextAndColours(written), JSON.stringify(written));
  assert.equal(
    written,
    "\r\n── claude in a-1: done after 1 round\r\n\r\nprogress 10%\r\nprogress 99%1A\r\n\x1b[8m\x1b[30;40m\x1b[0m\r\n── claude in a-1: failed\r\n",
  );
  assert.equal(terminalLine("\x1b[32mok\x1b[0m two\nlines"), "\x1b[32mok\x1b[0m two\r\nlines\r\n");
  assert.equal(onlyTextAndColours("a\x1b[2Kb"), false);
});

test("a running task's progress is its stage and its count, without the agent and VM its row and notification already name", () => {
  const running = (progress: Job["progress"]) => ({ id: "t", request: { kind: "dispatch", vm: "dev", dispatch: { agent: "claude", prompt: "p" } }, state: "running", progress, startedAt: 0, log: [] }) as Job;
  assert.equal(taskProgress(running({ stage: "Round 1 of 3", message: "claude in dev" })), "Round 1 of 3");
  const usage = { tokensIn: 12_300, tokensOut: 1_200, costUsd: 0.0512, requests: 3 };
  assert.equal(taskProgress(running({ stage: "Round 2 of 3", message: "claude in dev · 12.3k in · 1.2k out · ~$0.05", usage })), "Round 2 of 3 · 12.3k in · 1.2k out · ~$0.05");
  assert.equal(taskProgress(running({ stage: "Connecting", message: "dev", usage: { tokensIn: 0, tokensOut: 0, requests: 0 } })), "Connecting");
});
