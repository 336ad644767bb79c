// The words of job notifications and welcome views: plain, the same as the tree row, one sentence
// for a failure with Lima's raw text kept out of it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { NixlimaError } from "../../helper/src/errors";
import { errorFromFatal } from "../../helper/src/lima/fatal";
import { progressFromStderr } from "../../helper/src/lima/progress";
import type { Job } from "../../helper/src/protocol";
import { errorText, failureText, plainWords, progressText, successText } from "../src/jobWords";
import { describeVm } from "../src/tree/format";
import { pkg } from "./support/manifest";

const recordedFatal = (re: RegExp): string => {
  const lines = readFileSync(join(import.meta.dirname, "../../helper/test/lima/fixtures/fatal.ndjson"), "utf8").trim().split("\n");
  const msg = lines.map((l) => (JSON.parse(l) as { msg: string }).msg).find((m) => re.test(m));
  assert.ok(msg, `no recorded fatal line matches ${re}`);
  return msg;
};

const job = (over: Partial<Job>): Job => ({
  id: "1",
  request: { kind: "start", vm: "dev" },
  state: "running",
  progress: { stage: "Queued" },
  startedAt: 0,
  log: [],
  ...over,
});

test("the notification and the tree row say the same stage, in plain words", () => {
  const progress = progressFromStderr(JSON.stringify({ level: "info", msg: "[hostagent] Waiting for the essential requirement 2 of 3: `ssh`" }))!;
  const vm = { name: "dev", status: "Stopped" as const, dir: "/d", hostname: "lima-dev", mounts: [], portForwards: [], protected: false, errors: [] };
  assert.equal(progressText(progress), "Booting (2 of 3): waiting for SSH");
  assert.equal(describeVm(vm, job({ progress })), "Booting (2 of 3): waiting for SSH…");
  // A build's counts follow its stage.
  assert.equal(progressText({ stage: "building", message: "3 of 10 built" }), "building — 3 of 10 built");
});

test("backticks become quotes; text without them is unchanged", () => {
  assert.equal(plainWords("VM `dev` is already running. Open a shell with `nixlima shell dev`."), 'VM "dev" is already running. Open a shell with "nixlima shell dev".');
  assert.equal(plainWords('"`x`" stays one pair of quotes'), '"x" stays one pair of quotes');
  assert.equal(plainWords("Booting (1 of 3)"), "Booting (1 of 3)");
});

test("a failed download (recorded from the real limactl) is one sentence about the VM, without Go's text", () => {
  const err = errorFromFatal(recordedFatal(/^failed to download/), { command: "create", vm: "dev" });
  const text = failureText(err.toJSON(), "Creating dev");
  assert.match(text, /^The image for "dev" could not be downloaded from 127\.0\.0\.1:9: nothing answers there\. Check the network connection/);
  assert.doesNotMatch(text, /`|dial tcp|Get "|connection refused/);
  // The same error arriving through a helper request reads the same.
  assert.equal(errorText(err), text);
  assert.equal(failureText(undefined, "Starting dev"), "Starting dev failed.");
  assert.equal(errorText(new Error("plain")), "plain");
  assert.equal(errorText(new NixlimaError("not-found", "There is no VM named `x`.", "Run `nixlima list`.")), 'There is no VM named "x". Run "nixlima list".');
});

test("a create that starts its VM ends with NAME is running; other jobs say nothing more", () => {
  assert.equal(successText(job({ request: { kind: "create", vm: "dev", create: { template: "dev", start: true } }, state: "succeeded" })), "dev is running.");
  assert.equal(successText(job({ request: { kind: "create", vm: "dev", create: { template: "dev", start: false } }, state: "succeeded" })), undefined);
  assert.equal(successText(job({ state: "succeeded" })), undefined);
});

test("no welcome view shows a literal backtick", () => {
  const welcomes = pkg.contributes.viewsWelcome as { view: string; contents: string }[];
  assert.ok(welcomes.length > 0);
  for (const w of welcomes) assert.doesNotMatch(w.contents, /`/, `${w.view}: ${w.contents}`);
});
