// Dispatch's checks before any ssh runs, and its pieces that need no VM.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dispatch } from "../../src/dispatch/dispatch";
import { parseDuration } from "../../src/shared/duration";
import { remoteCommand } from "../../src/dispatch/guestSsh";
import type { Vm } from "../../src/protocol";
import { execa } from "execa";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const vm = (status: Vm["status"]): Vm => ({ name: "v", status, dir: "/nonexistent", hostname: "lima-v", mounts: [], portForwards: [], protected: false, errors: [] });
const quiet = { progress: () => undefined, log: () => undefined };
const never = new AbortController().signal;

test("only credential variables may be passed, on one line; a stopped VM is refused", async () => {
  const opts = { agent: "claude" as const, prompt: "p" };
  await assert.rejects(dispatch(vm("Running"), opts, { LD_PRELOAD: "/x.so" }, quiet, never), /"LD_PRELOAD" is not a credential variable/);
  await assert.rejects(dispatch(vm("Running"), opts, { ANTHROPIC_API_KEY: "a\nPATH=/evil" }, quiet, never), /contains a line break/);
  await assert.rejects(dispatch(vm("Stopped"), opts, { ANTHROPIC_API_KEY: "k" }, quiet, never), /VM `v` is not running/);
});

test("durations", () => {
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("45"), 45_000);
  assert.throws(() => parseDuration("soon"), /not a duration/);
  assert.throws(() => parseDuration("0m"), /longer than zero/);
});

test("the remote command keeps every argument one word through a real shell", async () => {
  const args = ["it's", "$(touch /tmp/pwned)", "a b", "`x`", "\\n", ""];
  const cmd = remoteCommand('printf "%s|" "$@"', "nixlima", args);
  const { stdout } = await execa("sh", ["-c", cmd]);
  assert.equal(stdout, `${args.join("|")}|`);
});

test("a script for the agent user runs under non-interactive sudo as that user, every argument still one word", async () => {
  // FAKE sudo (the real one needs root here): prints the words it got, then runs the command as is.
  const bin = await mkdtemp(join(tmpdir(), "nixlima-sudo-"));
  try {
    await writeFile(join(bin, "sudo"), '#!/bin/sh\nprintf sudo:; printf "%s|" "$@"; echo; while [ "$1" != "--" ]; do shift; done; shift; exec "$@"\n', { mode: 0o755 });
    const args = ["it's", "$(touch /tmp/pwned)", "a b"];
    const { stdout } = await execa("sh", ["-c", remoteCommand('printf "%s|" "$@"', "nixlima", args, "agent")], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const [sudoLine, scriptLine] = stdout.split("\n");
    assert.match(sudoLine ?? "", /^sudo:-n\|-u\|agent\|-H\|--\|bash\|-c\|/);
    assert.equal(scriptLine, `${args.join("|")}|`);
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
});
