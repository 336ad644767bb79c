// The host side of a task's branch with real git: a bundle of work fetched in as nixlima/VM/TASK
// (no hook runs, HEAD and the working tree stay), then review, merge and discard through the CLI.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { hostProject } from "../../src/dispatch/hostGit";
import { checkTaskBranch, reviewTask, taskFileAt } from "../../src/dispatch/taskBranches";
import { taskBaseRef } from "../../src/dispatch/taskRepo";
import { addTaskBranch, hostRepoWithHooks, type HostRepo } from "../../../test/support/hostRepo";
import { nixlima } from "../audit/cliHarness";

const BRANCH = "nixlima/vm1/0123abcd";
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function repo(): HostRepo {
  const r = hostRepoWithHooks({ "notes.txt": "start\n", "old.txt": "old\n", "gone.txt": "bye\n" });
  cleanups.push(r.dispose);
  return r;
}

const editNotes = (dir: string, git: (...a: string[]) => string) => {
  writeFileSync(join(dir, "notes.txt"), "start\nagent line\n");
  git("commit", "-q", "-am", "agent: edit notes");
};

test("a bundle of the agent's commits becomes branch nixlima/VM/TASK: no hook runs, HEAD, index and files stay", async () => {
  const r = repo();
  writeFileSync(join(r.root, "notes.txt"), "the user's own unsaved edit\n");
  const base = await addTaskBranch(r, BRANCH, editNotes);
  assert.equal(r.git("log", "-1", "--format=%s", BRANCH).trim(), "agent: edit notes");
  assert.equal(r.git("rev-list", "--count", `${base}..${BRANCH}`).trim(), "1");
  assert.equal(r.git("rev-parse", taskBaseRef(BRANCH)).trim(), base);
  assert.equal(r.git("rev-parse", "HEAD").trim(), base);
  assert.equal(r.git("symbolic-ref", "HEAD").trim(), "refs/heads/main");
  assert.equal(r.git("status", "--porcelain").trim(), "M notes.txt");
  assert.equal(readFileSync(join(r.root, "notes.txt"), "utf8"), "the user's own unsaved edit\n");
  assert.equal(r.hookRuns(), "");
  // The planted hooks are live: git itself runs them on a checkout.
  r.git("checkout", "-q", "-b", "probe");
  assert.match(r.hookRuns(), /^post-checkout /m);
});

test("review lists each changed file with its status, and reads both sides of a file", async () => {
  const r = repo();
  const base = await addTaskBranch(r, BRANCH, (dir, git) => {
    writeFileSync(join(dir, "notes.txt"), "start\nagent line\n");
    writeFileSync(join(dir, "new.txt"), "new\n");
    git("mv", "old.txt", "renamed.txt");
    git("rm", "-q", "gone.txt");
    git("add", "-A");
    git("commit", "-q", "-m", "agent: several changes");
  });
  const review = await reviewTask(r.root, BRANCH);
  assert.equal(review.base, base);
  const byPath = Object.fromEntries(review.files.map((f) => [f.path, f]));
  assert.deepEqual(Object.keys(byPath).sort(), ["gone.txt", "new.txt", "notes.txt", "renamed.txt"]);
  assert.equal(byPath["notes.txt"]!.status, "M");
  assert.equal(byPath["new.txt"]!.status, "A");
  assert.equal(byPath["gone.txt"]!.status, "D");
  assert.deepEqual(byPath["renamed.txt"], { status: "R", oldPath: "old.txt", path: "renamed.txt" });
  assert.equal(await taskFileAt(r.root, review.base, "notes.txt"), "start\n");
  assert.equal(await taskFileAt(r.root, review.head, "notes.txt"), "start\nagent line\n");
  assert.equal(await taskFileAt(r.root, review.base, "new.txt"), "");
});

test("nixlima task review, merge and discard act on the branch; the user's checkout changes only on merge", async () => {
  const r = repo();
  await addTaskBranch(r, BRANCH, editNotes);
  const limaHome = tmpdir();
  const review = await nixlima(limaHome, ["task", "review", BRANCH, "--project", r.root]);
  assert.equal(review.code, 0, review.stderr);
  assert.match(review.stdout, /notes\.txt \| 1 \+/);
  assert.match(review.stdout, /^\+agent line$/m);
  assert.equal(readFileSync(join(r.root, "notes.txt"), "utf8"), "start\n");

  const merge = await nixlima(limaHome, ["task", "merge", BRANCH, "--project", r.root]);
  assert.equal(merge.code, 0, merge.stderr);
  assert.equal(readFileSync(join(r.root, "notes.txt"), "utf8"), "start\nagent line\n");

  const discard = await nixlima(limaHome, ["task", "discard", BRANCH, "--project", r.root]);
  assert.equal(discard.code, 0, discard.stderr);
  assert.equal(r.git("branch", "--list", BRANCH).trim(), "");
  assert.equal(r.git("for-each-ref", "refs/nixlima").trim(), "");
  const again = await nixlima(limaHome, ["task", "discard", BRANCH, "--project", r.root]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /There is no branch nixlima\/vm1\/0123abcd in /);
});

test("nixlima task review prints the agent's patch with nothing a terminal would obey but colours", async () => {
  const r = repo();
  await addTaskBranch(r, BRANCH, (dir, git) => {
    writeFileSync(join(dir, "notes.txt"), "start\n\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\x1b[1A\x1b[2Kforged\rover\n");
    git("commit", "-q", "-am", "agent: write escapes");
  });
  const review = await nixlima(tmpdir(), ["task", "review", BRANCH, "--project", r.root]);
  assert.equal(review.code, 0, review.stderr);
  assert.match(review.stdout, /^\+forged$\n^over$/m);
  assert.doesNotMatch(review.stdout, /\x1b(?!\[[0-9;:]*m)|\r|\x07/);
});

test("only task branches are accepted; a folder outside git gets one sentence", async () => {
  assert.equal(checkTaskBranch(`refs/heads/${BRANCH}`), BRANCH);
  for (const bad of ["main", "nixlima/vm1/../main", "nixlima/vm1/0123abcd/x", "nixlima/-x/0123abcd"]) {
    assert.throws(() => checkTaskBranch(bad), /is not a task branch/);
  }
  const plain = mkdtempSync(join(tmpdir(), "nixlima-nogit-"));
  cleanups.push(() => rmSync(plain, { recursive: true, force: true }));
  await assert.rejects(hostProject(plain), /is not in a git repository: an agent's work comes back as a git branch\./);
});
