// Error mapping from the level=fatal lines recorded from the real limactl 2.2.0 (fixtures/record.sh).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { downloadReason, errorFromFatal } from "../../src/lima/fatal";
import { instanceIn } from "../../src/lima/limactl";

const fatals = readFileSync(join(import.meta.dirname, "fixtures", "fatal.ndjson"), "utf8")
  .trim()
  .split("\n")
  .map((l) => (JSON.parse(l) as { msg: string }).msg);
const find = (re: RegExp) => {
  const msg = fatals.find((m) => re.test(m));
  assert.ok(msg, `no recorded fatal line matches ${re}`);
  return msg;
};

const cases: [RegExp, string][] = [
  [/is protected/, "protected"],
  [/expected status `Running`, got `Stopped`/, "not-running"],
  [/is stopped, run `limactl start/, "not-running"],
  [/^open .*nothere\/lima\.yaml/, "not-found"],
  [/failed to inspect instance `nothere`/, "not-found"],
  [/`nothere` does not exist/, "not-found"],
  [/^unmatched instances$/, "not-found"],
  [/must match/, "invalid-name"],
  [/^exiting, status=/, "failed"],
];

for (const [re, code] of cases) {
  test(`${re} → ${code}, with Lima's sentence as the message`, () => {
    const msg = find(re);
    const err = errorFromFatal(msg);
    assert.equal(err.code, code);
    assert.equal(err.message, msg);
  });
}

test("protected errors tell how to unprotect the named instance", () => {
  assert.match(errorFromFatal(find(/is protected/)).hint!, /limactl unprotect dummy/);
});

test("limactl's refusal to run as root maps to root", () => {
  assert.equal(errorFromFatal("limactl: must not run as the root user").code, "root");
});

test("a timeout waiting for the running event maps to timeout", () => {
  assert.equal(errorFromFatal("did not receive an event with the `running` status").code, "timeout");
});

test("a multi-line fatal (YAML excerpt) becomes one line", () => {
  const err = errorFromFatal("failed to unmarshal YAML: [1:7] bad\n>  1 | cpus: [nope\n   ^\n");
  assert.equal(err.message.includes("\n"), false);
});

test("a download that fails offline (recorded) is one sentence about this VM, with Lima's text as the detail", () => {
  const raw = find(/^failed to download/);
  const err = errorFromFatal(raw, { command: "create", vm: "offline" });
  assert.equal(err.code, "failed");
  assert.equal(err.message, 'The image for "offline" could not be downloaded from 127.0.0.1:9: nothing answers there.');
  assert.match(err.hint!, /network connection/);
  assert.equal(err.detail, raw);
  assert.doesNotMatch(`${err.message} ${err.hint}`, /`|dial tcp|Get "/);
});

test("Go's network errors are said plainly", () => {
  assert.match(downloadReason('Get "https://x/y": dial tcp: lookup x on 127.0.0.53:53: no such host'), /offline/);
  assert.match(downloadReason("context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), /did not answer/);
  assert.equal(downloadReason("expected HTTP status 200, got 404 Not Found"), "the server answered 404");
  assert.equal(downloadReason("something new"), "the download failed");
});

test("a Broken VM's delete that Lima refuses (recorded) names the VM, its folder and the way out", () => {
  const raw = find(/it was NOT deleted/);
  const err = errorFromFatal(raw, { command: "delete", vm: "brokendir" });
  assert.match(err.message, /^"brokendir" was not deleted: its configuration file \(lima\.yaml\) cannot be read, so Lima left its folder \/tmp\/.+\/brokendir\.$/);
  assert.match(err.hint!, /delete --force brokendir/);
  assert.equal(err.detail, raw);
});

test("any other Lima error on a VM becomes a sentence naming the VM; the raw text is the detail", () => {
  const raw = "template `default.yaml` not found";
  const err = errorFromFatal(raw, { command: "start", vm: "brk" });
  assert.equal(err.message, 'Lima could not start "brk".');
  assert.equal(err.detail, raw);
  // Without knowing the VM, Lima's sentence stays the message.
  assert.equal(errorFromFatal(raw).message, raw);
  // A failed boot is explained from the host agent's log by the caller, so it stays as it is.
  assert.match(errorFromFatal(find(/^exiting, status=/), { command: "start", vm: "dummy" }).message, /^exiting, status=/);
});

test("the instance a limactl command line acts on", () => {
  assert.equal(instanceIn(["create", "--name", "a1", "-"]), "a1");
  assert.equal(instanceIn(["create", "--name=a2", "-"]), "a2");
  assert.equal(instanceIn(["stop", "-f", "b"]), "b");
  assert.equal(instanceIn(["shell", "c", "--", "true"]), undefined);
  assert.equal(instanceIn(["list"]), undefined);
});
