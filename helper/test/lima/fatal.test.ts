// Error mapping from the level=fatal lines recorded from the real limactl 2.2.0 (fixtures/record.sh).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { errorFromFatal } from "../../src/lima/fatal";

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
  [/it was NOT deleted/, "failed"],
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
