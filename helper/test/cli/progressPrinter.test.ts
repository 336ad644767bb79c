import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { progressPrinter } from "../../src/cli/progressPrinter";

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

test("on a terminal, stages redraw one line and done() clears it", () => {
  const err = sink();
  const p = progressPrinter({ stdout: sink().stream, stderr: err.stream, env: {}, interactive: true });
  p.progress({ stage: "Starting", fraction: 0.05 });
  p.progress({ stage: "Ready", fraction: 1 });
  p.done();
  assert.equal(err.text(), "Starting [5%]\r\x1b[2KReady [100%]\r\x1b[2K");
});

test("otherwise, one plain line per new stage; command lines always, limactl lines only when verbose", () => {
  const err = sink();
  const p = progressPrinter({ stdout: sink().stream, stderr: err.stream, env: {}, interactive: false });
  p.log("$ limactl start x");
  p.log("Using the existing instance `x`");
  p.progress({ stage: "Starting", message: "driver qemu", fraction: 0.05 });
  p.progress({ stage: "Starting", message: "driver qemu", fraction: 0.05 });
  p.progress({ stage: "Degraded" });
  p.done();
  assert.equal(err.text(), "$ limactl start x\nStarting: driver qemu [5%]\nDegraded\n");
  const verbose = sink();
  const v = progressPrinter({ stdout: sink().stream, stderr: verbose.stream, env: {}, interactive: false }, true);
  v.log("Using the existing instance `x`");
  assert.equal(verbose.text(), "Using the existing instance `x`\n");
});
