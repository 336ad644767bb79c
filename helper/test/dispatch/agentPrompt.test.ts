// Each agent gets the prompt on its stdin, never as an argv word: argv is public to every user
// of the guest (ps, /proc/PID/cmdline). The real dispatch script runs here in bash with FAKE
// agents that record their arguments and stdin, and look for the prompt in the argv of every
// process of the run while they run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runDispatchLocally } from "./localDispatch";

// FAKE claude/codex/opencode: print their argv words, whether the prompt is in any process's
// argv now, and what they read on stdin. The real CLIs cannot run here without a model.
const FAKE_AGENT = `#!/bin/bash
for word in "$@"; do echo "argv: $word"; done
for f in /proc/[0-9]*/cmdline; do
  words=$(tr '\\0' ' ' < "$f" 2> /dev/null) # a builtin test below: no grep whose own argv holds the needle
  if [[ $words == *needle-7f3a* ]]; then echo "prompt in the argv of $f"; fi
done
echo "stdin: $(cat | tr '\\n' '|')"
`;
const FAKES = { claude: FAKE_AGENT, codex: FAKE_AGENT, opencode: FAKE_AGENT };
const PROMPT = "Fix the bug; needle-7f3a\nsecond line with 'quotes' and $(no expansion)";

const expectedArgv: Record<string, string[]> = {
  claude: ["--dangerously-skip-permissions", "-p"],
  codex: ["exec", "--dangerously-bypass-approvals-and-sandbox", "-"],
  opencode: ["run", "--auto"],
};

for (const agent of ["claude", "codex", "opencode"]) {
  test(`${agent} reads the prompt on stdin; it is in no argv word of any process`, async () => {
    const { exitCode, lines } = await runDispatchLocally(agent, PROMPT, FAKES);
    assert.equal(exitCode, 0, lines.join("\n"));
    const out = lines.map((l) => l.replace(/^stdout: /, ""));
    assert.deepEqual(out.filter((l) => l.startsWith("argv: ")), expectedArgv[agent]!.map((w) => `argv: ${w}`));
    assert.deepEqual(out.filter((l) => l.startsWith("prompt in the argv")), []);
    assert.deepEqual(out.filter((l) => l.startsWith("stdin: ")), [`stdin: ${PROMPT.replace(/\n/g, "|")}`]);
  });
}
