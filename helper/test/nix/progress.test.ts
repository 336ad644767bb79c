import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseNixLogLine } from "../../src/nix/internalJson";
import { BuildProgressModel, derivationName, LOG_TAIL_LINES, toProgress } from "../../src/nix/progress";
import type { Progress } from "../../src/protocol";
import { fixtures } from "./nixEnv";

function replay(name: string): { model: BuildProgressModel; progress: Progress[] } {
  const model = new BuildProgressModel();
  const progress: Progress[] = [];
  for (const line of readFileSync(join(fixtures, name), "utf8").split("\n")) {
    const event = parseNixLogLine(line);
    if (event && model.apply(event)) progress.push(toProgress(model.state()));
  }
  return { model, progress };
}

test("a recorded three-derivation build goes from 0/3 to 3/3 with names and phases", () => {
  const { model, progress } = replay("phases.log");
  const fractions = progress.flatMap((p) => (p.fraction === undefined ? [] : [p.fraction]));
  assert.deepEqual(
    fractions.filter((f, i) => i === 0 || f !== fractions[i - 1]),
    [0, 1 / 3, 2 / 3, 1],
    "fractions must rise through every finished build",
  );
  const messages = progress.map((p) => p.message ?? "");
  assert.ok(messages.some((m) => /^building leaf-a \(installPhase\) · 0\/3 built$/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => m.startsWith("building top (buildPhase)")));
  const end = model.state();
  assert.deepEqual(end.builds, { done: 3, expected: 3, running: 0, failed: 0 });
  assert.deepEqual(end.current, []);
  assert.deepEqual(end.errors, []);
  assert.equal(progress.at(-1)?.fraction, 1);
});

test("a failed build keeps the last 200 lines of its log and counts the failure", () => {
  const { model } = replay("failing.log");
  const s = model.state();
  assert.equal(s.builds.failed, 1);
  const drv = model.lastFinishedBuild();
  assert.ok(drv?.endsWith("-failing.drv"));
  const tail = model.logTail(drv!);
  assert.equal(tail.length, LOG_TAIL_LINES);
  assert.equal(tail[0], "failing line 102");
  assert.equal(tail.at(-2), "failing line 300");
  assert.equal(tail.at(-1), "the end: giving up");
});

test("download bytes come from transfer progress and the realise activity's expectations", () => {
  // Shapes as Nix 2.8 sends them while substituting (field meanings from logging.hh).
  const lines = [
    '@nix {"action":"start","id":1,"level":0,"text":"","type":102}',
    '@nix {"action":"start","id":2,"level":0,"text":"","type":103}',
    '@nix {"action":"result","fields":[101,4194304],"id":1,"type":106}',
    '@nix {"action":"result","fields":[0,2,0,0],"id":2,"type":105}',
    '@nix {"action":"start","fields":["https://cache.example/nar/a.nar.xz"],"id":3,"level":4,"text":"downloading","type":101}',
    '@nix {"action":"result","fields":[1048576,2097152,0,0],"id":3,"type":105}',
  ];
  const model = new BuildProgressModel();
  for (const l of lines) model.apply(parseNixLogLine(l)!);
  let p = toProgress(model.state());
  assert.equal(p.stage, "downloading");
  assert.equal(p.message, "0/2 fetched · 1.0 MiB of 4.0 MiB downloaded");
  model.apply(parseNixLogLine('@nix {"action":"result","fields":[2097152,2097152,0,0],"id":3,"type":105}')!);
  model.apply(parseNixLogLine('@nix {"action":"stop","id":3}')!);
  model.apply(parseNixLogLine('@nix {"action":"result","fields":[1,2,0,0],"id":2,"type":105}')!);
  p = toProgress(model.state());
  assert.equal(model.state().downloadBytes.done, 2097152);
  assert.equal(p.fraction, 0.5);
});

test("derivationName drops the store hash and .drv", () => {
  assert.equal(derivationName("/nix/store/p76m0000000000000000000000000000-nixos.qcow2.drv"), "nixos.qcow2");
  assert.equal(derivationName("/tmp/s/store/19hma4vw0qbarx6ak7jbiv9bspqdsjah-top.drv"), "top");
});
