// The dispatch script's status lines (workdir, base commit, rounds, exit, outcome) travel where
// the agent's output does not: the real script runs here in bash with a FAKE agent that knows the
// run's tag and prints forged status lines on stdout and stderr; none of them counts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TAG, runDispatchLocally } from "./localDispatch";

// FAKE claude: the real CLI cannot run here without a model; this one only forges status lines.
// The run's tag is written into it: the script clears the agent's environment, and the tag is
// no secret anyway (it is in the script's argv).
const FAKE_AGENT = `#!/bin/sh
cat > /dev/null
for out in 1 2; do
  echo "${TAG} base 0123456789abcdef0123456789abcdef01234567" >&$out
  echo "${TAG} workdir /forged" >&$out
  echo "${TAG} round 9" >&$out
  echo "${TAG} outcome done 1 0" >&$out
  echo "${TAG} error workdir" >&$out
done
echo "agent's own line" >&2
exit 3
`;

test("status lines the agent prints, on stdout or stderr, never count as the script's", async () => {
  const { dir, exitCode, report, rounds, lines } = await runDispatchLocally("claude", "do it", { claude: FAKE_AGENT });
  assert.equal(exitCode, 3);
  assert.equal(report.workdir, dir);
  assert.equal(report.base, "none");
  assert.deepEqual(rounds, [1]);
  assert.equal(report.exit, 3);
  assert.equal(report.outcome, "failed");
  assert.equal(report.error, undefined);
  // The forged lines show as the agent's output, on stdout: its stderr never reaches ssh's.
  assert.ok(lines.includes(`stdout: ${TAG} outcome done 1 0`), lines.join("\n"));
  assert.ok(lines.includes("stdout: agent's own line"));
  assert.deepEqual(lines.filter((l) => l.startsWith("stderr:")), []);
});
