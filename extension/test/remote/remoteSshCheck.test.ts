import assert from "node:assert/strict";
import { test } from "node:test";
import { checkState, doctorSummary, fixLinks } from "../../src/doctorReport";
import { remoteSshCheck } from "../../src/remote/remoteSshCheck";

const ID = "ms-vscode-remote.remote-ssh";

test("an installed Remote-SSH passes", () => {
  assert.equal(checkState(remoteSshCheck(ID, ID, false)), "ok");
});

test("a missing Remote-SSH is advice, not something to fix before VMs run, with an install link", () => {
  const check = remoteSshCheck(undefined, ID, false);
  assert.equal(checkState(check), "advice");
  assert.doesNotMatch(doctorSummary([check]).text, /must be fixed/);
  assert.equal(fixLinks(check, ID)[0]?.label, "Install Remote-SSH");
});

test("in a browser VS Code it says what works there and offers no install that cannot run", () => {
  const check = remoteSshCheck(undefined, ID, true);
  assert.equal(checkState(check), "advice");
  assert.match(check.detail, /Remote-SSH needs desktop VS Code.*terminal/);
  assert.equal(check.fix, undefined);
  assert.deepEqual(fixLinks(check, ID), []);
});
