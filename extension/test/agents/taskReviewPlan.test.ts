// Review's plan for a task branch: which side of each file diff shows what, and the URIs' round trip.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, TaskReview } from "../../../helper/src/protocol";
import { reviewEntries, sideFromQuery, sideToUri, taskBranchOf } from "../../src/agents/taskReviewPlan";

const BASE = "a".repeat(40);
const HEAD = "b".repeat(40);
const review: TaskReview = {
  root: "/home/me/my project",
  branch: "nixlima/box/0123abcd",
  base: BASE,
  head: HEAD,
  files: [
    { status: "M", path: "src/app.ts" },
    { status: "A", path: "new file.txt" },
    { status: "D", path: "gone.txt" },
    { status: "R", oldPath: "old.txt", path: "renamed.txt" },
  ],
};

test("each file compares the base (left) with the branch (right); added and deleted files have one empty side", () => {
  const [modified, added, deleted, renamed] = reviewEntries(review);
  assert.deepEqual(modified, { path: "src/app.ts", left: { project: review.root, commit: BASE, path: "src/app.ts" }, right: { project: review.root, commit: HEAD, path: "src/app.ts" } });
  assert.equal(added!.left, undefined);
  assert.equal(added!.right?.commit, HEAD);
  assert.equal(deleted!.right, undefined);
  assert.equal(deleted!.left?.commit, BASE);
  assert.equal(renamed!.left?.path, "old.txt");
  assert.equal(renamed!.right?.path, "renamed.txt");
});

test("a side survives its URI query (spaces and all); an empty side reads as none", () => {
  for (const entry of reviewEntries(review)) {
    for (const side of [entry.left, entry.right]) {
      const uri = sideToUri(side, entry.path);
      assert.ok(uri.path.endsWith(side?.path ?? entry.path), uri.path);
      assert.deepEqual(sideFromQuery(uri.query), side);
    }
  }
  assert.equal(sideFromQuery("project=/x&commit=abc"), undefined);
});

test("only a finished dispatch that brought a branch back is reviewable", () => {
  const job = (state: Job["state"], branch: string | null, kind: "dispatch" | "fleet" = "dispatch") =>
    ({ id: "1", state, request: { kind, vm: "box" }, result: { dispatch: { branch, project: "/p" } } }) as unknown as Job;
  assert.deepEqual(taskBranchOf(job("succeeded", "nixlima/box/0123abcd")), { project: "/p", branch: "nixlima/box/0123abcd" });
  assert.equal(taskBranchOf(job("failed", "nixlima/box/0123abcd"))?.branch, "nixlima/box/0123abcd");
  assert.equal(taskBranchOf(job("running", "nixlima/box/0123abcd")), undefined);
  assert.equal(taskBranchOf(job("succeeded", null)), undefined);
  assert.equal(taskBranchOf(job("succeeded", "nixlima/box/0123abcd", "fleet")), undefined);
  assert.equal(taskBranchOf(undefined), undefined);
});
