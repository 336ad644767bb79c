import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { ActivityType, parseNixLogLine, ResultType, stripAnsi, type NixLogEvent } from "../../src/nix/internalJson";
import { BuildProgressModel, derivationName, toProgress } from "../../src/nix/progress";
import { timeParse } from "../../src/nix/throughput";
import { fixtures } from "./nixEnv";

function events(name: string): NixLogEvent[] {
  return readFileSync(join(fixtures, name), "utf8")
    .split("\n")
    .map(parseNixLogLine)
    .filter((e): e is NixLogEvent => e !== undefined);
}

test("every line of a recorded successful build parses, with the activity kinds Nix sends", () => {
  const lines = readFileSync(join(fixtures, "phases.log"), "utf8").split("\n").filter((l) => l !== "");
  const parsed = lines.map(parseNixLogLine);
  assert.equal(parsed.filter((e) => e === undefined).length, 0, "a recorded @nix line did not parse");
  const starts = parsed.filter((e) => e?.action === "start");
  assert.ok(starts.some((e) => e.type === ActivityType.Realise));
  assert.ok(starts.some((e) => e.type === ActivityType.Builds));
  const builds = starts.filter((e) => e.type === ActivityType.Build);
  assert.deepEqual(
    builds.map((b) => derivationName(String(b.fields[0]))).sort(),
    ["leaf-a", "leaf-b", "top"],
  );
  const phases = parsed.filter((e) => e?.action === "result" && e.type === ResultType.SetPhase);
  assert.deepEqual(
    phases.slice(0, 2).map((e) => (e as { fields: unknown[] }).fields[0]),
    ["buildPhase", "installPhase"],
  );
});

test("messages lose their colours; error messages keep level 0", () => {
  const errors = events("failing.log").filter((e) => e.action === "msg" && e.level === 0);
  assert.equal(errors.length, 1);
  const msg = (errors[0] as { msg: string }).msg;
  assert.doesNotMatch(msg, /\u001b/);
  assert.match(msg, /^error: builder for '.*-failing\.drv' failed with exit code 3/);
});

test("lines that are not @nix records, or are damaged, are not events", () => {
  assert.equal(parseNixLogLine("warning: Git tree '/x' is dirty"), undefined);
  assert.equal(parseNixLogLine('@nix {"action":"start","id":1'), undefined);
  assert.equal(parseNixLogLine('@nix {"action":"stop"}'), undefined);
  assert.equal(parseNixLogLine('@nix {"action":"teleport","id":1}'), undefined);
  assert.equal(parseNixLogLine("@nix 42"), undefined);
});

test("newer Nix fields (parent) and unknown activity types are kept", () => {
  const e = parseNixLogLine('@nix {"action":"start","id":7,"level":3,"parent":5,"text":"x","type":113,"fields":["/p",0]}');
  assert.deepEqual(e, { action: "start", id: 7, level: 3, type: 113, text: "x", fields: ["/p", 0], parent: 5 });
});

test("stripAnsi removes SGR sequences only", () => {
  assert.equal(stripAnsi("\u001b[31;1merror:\u001b[0m a \u001b[35;1mb\u001b[0m"), "error: a b");
  assert.equal(stripAnsi("plain [text]"), "plain [text]");
});

test("the recorded 50 000-line build log parses completely (the benchmark's input)", () => {
  const lines = gunzipSync(readFileSync(join(fixtures, "many-lines.log.gz"))).toString("utf8").split("\n").filter((l) => l !== "");
  assert.ok(lines.length > 50000);
  const result = timeParse(lines);
  assert.equal(result.lines, lines.length);
  const logLines = lines.map(parseNixLogLine).filter((e) => e?.action === "result" && e.type === ResultType.BuildLogLine);
  assert.equal(logLines.length, 50000);
  // Folded, the 50 000 log lines end as the one build the log records, done.
  const model = new BuildProgressModel();
  for (const line of lines) {
    const event = parseNixLogLine(line);
    if (event) model.apply(event);
  }
  assert.deepEqual(model.state().builds, { done: 1, expected: 1, running: 0, failed: 0 });
  assert.deepEqual(toProgress(model.state()), { stage: "building", message: "1/1 built", fraction: 1 });
});
