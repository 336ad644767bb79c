import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { buildImage, NixBuildError, parseNixVersion, parseOutPaths } from "../../src/nix/buildImage";
import { NixlimaError } from "../../src/errors";
import type { Progress } from "../../src/protocol";
import { fixtures, tempNix } from "./nixEnv";

const drv = (name: string) => join(fixtures, "drv", name);

test("a real build reports progress in order and returns its output path", async () => {
  const nix = tempNix();
  try {
    const progress: Progress[] = [];
    const result = await buildImage({ installable: ["-f", drv("phases.nix")], env: nix.env, onProgress: (p) => progress.push(p) });
    assert.match(result.outPath, new RegExp(`^${nix.dir}/store/[a-z0-9]{32}-top$`));
    assert.equal(readFileSync(result.outPath, "utf8"), "top done\n");
    const fractions = progress.flatMap((p) => (p.fraction === undefined ? [] : [p.fraction]));
    assert.ok(fractions.length >= 3, JSON.stringify(progress));
    assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), `fractions went back: ${fractions}`);
    assert.equal(fractions[0], 0);
    assert.equal(fractions.at(-1), 1);
    const messages = progress.map((p) => p.message ?? "").join("\n");
    assert.match(messages, /building leaf-[ab]/);
    assert.match(messages, /building top/);
    assert.ok(messages.indexOf("building top") > messages.search(/building leaf-[ab]/), "top must be built after its leaves");
  } finally {
    nix.dispose();
  }
});

test("a failing derivation gives a clear error and the last 200 lines of its log", async () => {
  const nix = tempNix();
  try {
    const logged: string[] = [];
    const err = await buildImage({ installable: ["-f", drv("failing.nix")], env: nix.env, onLog: (l) => logged.push(l) }).then(
      () => assert.fail("the build should fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NixBuildError, String(err));
    assert.match(err.message, /^Building failing failed: builder for '.*-failing\.drv' failed with exit code 3\.$/);
    assert.ok(err.drvPath?.endsWith("-failing.drv"));
    assert.equal(err.logTail.length, 200);
    assert.equal(err.logTail[0], "failing line 102");
    assert.equal(err.logTail.at(-1), "the end: giving up");
    assert.ok(logged.includes("failing line 300") && logged.includes("the end: giving up"), "the tail goes to the log");
  } finally {
    nix.dispose();
  }
});

test("a system nothing here can build gives the Linux builder message, not Nix's text", async () => {
  const nix = tempNix();
  try {
    await assert.rejects(
      buildImage({ installable: ["-f", drv("other-system.nix"), "--argstr", "system", "aarch64-linux"], env: nix.env }),
      (e: unknown) =>
        e instanceof NixlimaError &&
        !(e instanceof NixBuildError) &&
        // Linux advice on this Linux host, not nix-darwin's linux-builder.
        /^No Nix builder here can build aarch64-linux: .*binfmt\.emulatedSystems.*remote Linux machine/.test(e.message) &&
        !/linux-builder/.test(e.message),
    );
  } finally {
    nix.dispose();
  }
});

/** Processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The slow derivation's own shell (its script ends `# NONCE`), not nix's command line (`--argstr nonce NONCE`). */
function builderRuns(nonce: string): boolean {
  return processesWith(nonce).some((pid) => {
    try {
      return !readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--argstr");
    } catch {
      return false;
    }
  });
}

/** Waits until `check` holds; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function nixChildren(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === process.pid && stat.includes("(nix)");
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("cancel stops the build: no nix process and no builder is left", async () => {
  const nix = tempNix();
  const nonce = `nixlima-cancel-${randomUUID()}`;
  try {
    const controller = new AbortController();
    const build = buildImage({
      installable: ["-f", drv("slow.nix"), "--argstr", "nonce", nonce],
      env: nix.env,
      signal: controller.signal,
    });
    const rejected = assert.rejects(build, (e: unknown) => e instanceof NixlimaError && e.code === "cancelled");
    // Cancelled once the builder runs: its shell's command line carries the nonce.
    await until("the builder runs", () => builderRuns(nonce));
    controller.abort();
    await rejected;
    await until("no nix process or builder is left", () => processesWith(nonce).length === 0 && nixChildren().length === 0);
  } finally {
    nix.dispose();
  }
});

test("version and output parsing cover Nix before and after --print-out-paths", () => {
  assert.deepEqual(parseNixVersion("nix (Nix) 2.8.0\n"), [2, 8]);
  assert.deepEqual(parseNixVersion("nix (Determinate Nix 3.8.2) 2.30.2"), [2, 30]);
  assert.equal(parseNixVersion("something else"), undefined);
  assert.deepEqual(parseOutPaths("/nix/store/abc-img\n", false), { outPath: "/nix/store/abc-img" });
  assert.deepEqual(parseOutPaths('[{"drvPath":"/nix/store/d.drv","outputs":{"out":"/nix/store/o"}}]\n', true), {
    outPath: "/nix/store/o",
    drvPath: "/nix/store/d.drv",
  });
  assert.equal(parseOutPaths("", true), undefined);
  // What nix 2.8 printed for the recorded phases build.
  const recorded = parseOutPaths(readFileSync(join(fixtures, "phases.stdout"), "utf8"), true);
  assert.match(recorded?.outPath ?? "", /\/store\/[a-z0-9]{32}-top$/);
  assert.match(recorded?.drvPath ?? "", /-top\.drv$/);
});
