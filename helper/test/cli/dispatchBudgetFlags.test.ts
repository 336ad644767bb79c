// `nixlima dispatch --max-tokens / --max-cost` in-process: bad values are refused in one sentence
// (exit 2, before any VM is looked at), and good ones get past the flags to the VM lookup.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { nixlima } from "../audit/cliHarness";

const dir = mkdtempSync(join(tmpdir(), "nixlima-budget-flags-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const prompt = join(dir, "PROMPT.md");
writeFileSync(prompt, "Do the thing.\n");
const limaHome = join(dir, "lima");

const run = (...flags: string[]) => nixlima(limaHome, ["dispatch", "nosuchvm", prompt, "--agent", "claude", ...flags], { ANTHROPIC_API_KEY: "sk-test" });

test("a bad --max-tokens or --max-cost is refused in one sentence, with the usage", async () => {
  const cases: [string[], RegExp][] = [
    [["--max-tokens", "lots"], /^nixlima: "lots" is not a token limit; use a whole number of tokens such as 200000, 200k or 1\.5M\.\n/],
    [["--max-tokens", "0"], /^nixlima: "0" is not a token limit;/],
    [["--max-cost=-1"], /^nixlima: "-1" is not a cost limit; use an amount of US dollars above zero such as 2 or 0\.50\.\n/],
    [["--max-cost", "5 USD"], /^nixlima: "5 USD" is not a cost limit;/],
  ];
  for (const [flags, message] of cases) {
    const r = await run(...flags);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /--max-tokens N {2}budget of model tokens/);
  }
});

test("good limits pass the flags and reach the VM lookup", async () => {
  const r = await run("--max-tokens", "200k", "--max-cost", "$2.50");
  assert.notEqual(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /limit/);
  assert.match(r.stderr, /nosuchvm/);
});
