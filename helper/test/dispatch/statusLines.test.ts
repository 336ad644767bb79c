// The dispatch script's status lines (workdir, base commit, rounds, exit, outcome) travel where
// the agent's output does not: the real script runs here in bash with a FAKE agent that knows the
// run's tag and prints forged status lines on stdout and stderr; none of them counts.
import assert from "node:assert/strict";
import { chmod, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { execa } from "execa";
import { followGuestReport } from "../../src/dispatch/guestReport";
import { DISPATCH_SCRIPT, DONE_MARKER } from "../../src/dispatch/remoteScript";

// FAKE claude: the real CLI cannot run here without a model; this one only forges status lines.
const FAKE_AGENT = `#!/bin/sh
cat > /dev/null
for out in 1 2; do
  echo "$FORGE_TAG base 0123456789abcdef0123456789abcdef01234567" >&$out
  echo "$FORGE_TAG workdir /forged" >&$out
  echo "$FORGE_TAG round 9" >&$out
  echo "$FORGE_TAG outcome done 1 0" >&$out
  echo "$FORGE_TAG error workdir" >&$out
done
echo "agent's own line" >&2
exit 3
`;

test("status lines the agent prints, on stdout or stderr, never count as the script's", async () => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "nixlima-status-")));
  try {
    await writeFile(join(dir, "claude"), FAKE_AGENT);
    await chmod(join(dir, "claude"), 0o755);
    const run = "0123abcd4567ef89";
    const tag = `@nixlima-${run}`;
    // Detached: the script's lifeline kills its own process group, which must not be the test's.
    const child = execa("bash", ["-c", DISPATCH_SCRIPT, "bash", run, "claude", dir, "1", DONE_MARKER], {
      detached: true,
      reject: false,
      env: { PATH: `${dir}:${process.env.PATH}`, FORGE_TAG: tag },
      extendEnv: false,
    });
    child.stdin!.write(`\n${Buffer.from("do it").toString("base64")}\n`); // no secrets, then the prompt; stdin stays open
    const lines: string[] = [];
    const rounds: number[] = [];
    const report = followGuestReport(child.stdout!, child.stderr!, tag, { output: (line, stream) => lines.push(`${stream}: ${line}`), round: (r) => rounds.push(r) });
    const result = await child;
    child.stdin!.end();
    assert.equal(result.exitCode, 3);
    assert.equal(report.workdir, dir);
    assert.equal(report.base, "none");
    assert.deepEqual(rounds, [1]);
    assert.equal(report.exit, 3);
    assert.equal(report.outcome, "failed");
    assert.equal(report.error, undefined);
    // The forged lines show as the agent's output, on stdout: its stderr never reaches ssh's.
    assert.ok(lines.includes(`stdout: ${tag} outcome done 1 0`), lines.join("\n"));
    assert.ok(lines.includes("stdout: agent's own line"));
    assert.deepEqual(lines.filter((l) => l.startsWith("stderr:")), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
