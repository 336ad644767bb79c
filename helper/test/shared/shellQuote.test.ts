import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { limaSshConfigPath } from "../../src/shared/limaSsh";
import { shellQuote, shellWord } from "../../src/shared/shellQuote";

const awkward = ["plain", "with space", "it's", "$HOME", "a\nb", "`id`", "", "-n"];

test("a quoted word reaches a real shell as exactly itself, quoted always or only when needed", () => {
  for (const quote of [shellQuote, shellWord]) {
    const line = awkward.map(quote).join(" ");
    const seen = execFileSync("sh", ["-c", `for a in ${line}; do printf '%s\\0' "$a"; done`], { encoding: "utf8" });
    assert.deepEqual(seen.split("\0").slice(0, -1), awkward);
  }
  assert.equal(shellWord("/lima/dev/ssh.config"), "/lima/dev/ssh.config");
  assert.throws(() => shellQuote("a\0b"), /NUL byte/);
});

test("ssh is pointed at Lima's file: the one Lima reports, else the instance's ssh.config", () => {
  assert.equal(limaSshConfigPath({ dir: "/l/dev", sshConfigFile: "/l/dev/custom.config" }), "/l/dev/custom.config");
  assert.equal(limaSshConfigPath({ dir: "/l/dev" }), "/l/dev/ssh.config");
  assert.equal(limaSshConfigPath({ dir: "/l/dev", sshConfigFile: "" }), "/l/dev/ssh.config");
});
