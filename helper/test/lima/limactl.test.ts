import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVersions, parseLogLine, parseVersion } from "../../src/lima/limactl";

test("limactl --version output of releases and source builds", () => {
  assert.equal(parseVersion("limactl version 2.2.0\n"), "2.2.0");
  assert.equal(parseVersion("limactl version 2.2.0-153-g183a60d7"), "2.2.0-153-g183a60d7");
  assert.equal(parseVersion("limactl version v1.2.1"), "1.2.1");
});

test("versions compare by their numeric x.y.z; a dev build without one counts as new", () => {
  assert.ok(compareVersions("2.0.0", "2.0.0") === 0);
  assert.ok(compareVersions("1.2.1", "2.0.0") < 0);
  assert.ok(compareVersions("2.10.0", "2.9.9") > 0);
  assert.ok(compareVersions("2.2.0-153-g183a60d7", "2.0.0") > 0);
  assert.ok(compareVersions("HEAD-abc123", "2.0.0") > 0);
});

test("JSON log lines split into level, msg and the other fields (time dropped)", () => {
  // Recorded from the real limactl 2.2.0 (`list` with a broken instance folder).
  const l = parseLogLine(
    '{"errors":[{"Op":"open","Path":"/tmp/nl-f43p/brokendir/lima.yaml","Err":2}],"level":"warning","msg":"instance `brokendir` has errors","time":"2026-11-22T03:10:17Z"}',
  );
  assert.deepEqual(l, {
    level: "warning",
    msg: "instance `brokendir` has errors",
    fields: { errors: [{ Op: "open", Path: "/tmp/nl-f43p/brokendir/lima.yaml", Err: 2 }] },
  });
  assert.deepEqual(parseLogLine("limactl: must not run as the root user"), {
    level: "info",
    msg: "limactl: must not run as the root user",
    fields: {},
  });
  assert.equal(parseLogLine("   "), undefined);
});
