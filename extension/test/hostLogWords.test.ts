// Show Logs: the host agent's JSON lines as readable lines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readableLog, readableLogLine } from "../src/hostLogWords";

test("a JSON log line reads as time, level and message, with its fields after", () => {
  assert.equal(
    readableLogLine('{"level":"info","msg":"Waiting for the guest agent to be running","time":"2026-11-30T23:10:17Z"}'),
    "23:10:17 info    Waiting for the guest agent to be running",
  );
  assert.equal(
    readableLogLine('{"arch":"x86_64","level":"warning","location":"/etc/profile","msg":"Attempting to download the image","time":"2026-11-30T23:10:17Z"}'),
    "23:10:17 warning Attempting to download the image (arch=x86_64 location=/etc/profile)",
  );
});

test("lines that are not JSON stay as they are; no line is lost", () => {
  const text = 'plain text from qemu\n{"level":"fatal","msg":"boom","time":"2026-11-30T23:10:18Z"}\n{not json\n';
  const out = readableLog(text).split("\n");
  assert.equal(out.length, text.split("\n").length);
  assert.deepEqual(out.slice(0, 3), ["plain text from qemu", "23:10:18 fatal   boom", "{not json"]);
  assert.doesNotMatch(readableLog('{"level":"info","msg":"x","time":"2026-11-30T23:10:18Z"}'), /[{}"]/);
});
