// A window's task-branch requests against the real helper process and real git: review lists the
// files, file reads both sides, merge changes the checkout, discard removes the branch; a bad
// branch name gets one sentence.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { TaskRequests } from "../../src/protocol";
import { request } from "../../src/rpc";
import { startHelper, type HelperProcess } from "../../../test/support/helperProcess";
import { addTaskBranch, hostRepoWithHooks, type HostRepo } from "../../../test/support/hostRepo";
import { tempLimaHome } from "../../../test/support/lima";

const home = tempLimaHome();
const BRANCH = "nixlima/box/89abcdef";
let helper: HelperProcess;
let conn: MessageConnection;
let repo: HostRepo;

before(async () => {
  helper = await startHelper(home.dir);
  conn = await helper.connectClient();
  repo = hostRepoWithHooks({ "notes.txt": "start\n" });
  await addTaskBranch(repo, BRANCH, (dir, git) => {
    writeFileSync(join(dir, "notes.txt"), "start\nagent line\n");
    writeFileSync(join(dir, "new.txt"), "new\n");
    git("add", "-A");
    git("commit", "-q", "-m", "agent: work");
  });
});

after(async () => {
  conn?.dispose();
  await helper?.stop();
  repo?.dispose();
  home.dispose();
});

test("review, file, merge and discard over the helper's protocol", async () => {
  const review = await request(conn, TaskRequests.tasksReview, { project: repo.root, branch: BRANCH });
  assert.deepEqual(review.files, [{ status: "A", path: "new.txt" }, { status: "M", path: "notes.txt" }]);
  const before = await request(conn, TaskRequests.tasksFile, { project: repo.root, commit: review.base, path: "notes.txt" });
  const after = await request(conn, TaskRequests.tasksFile, { project: repo.root, commit: review.head, path: "notes.txt" });
  assert.deepEqual([before.text, after.text], ["start\n", "start\nagent line\n"]);
  assert.equal(readFileSync(join(repo.root, "notes.txt"), "utf8"), "start\n");

  assert.deepEqual(await request(conn, TaskRequests.tasksMerge, { project: repo.root, branch: BRANCH }), { branch: BRANCH });
  assert.equal(readFileSync(join(repo.root, "notes.txt"), "utf8"), "start\nagent line\n");
  assert.deepEqual(await request(conn, TaskRequests.tasksDiscard, { project: repo.root, branch: BRANCH }), { branch: BRANCH });
  assert.equal(repo.git("branch", "--list", BRANCH).trim(), "");
  await assert.rejects(request(conn, TaskRequests.tasksDiscard, { project: repo.root, branch: "main" }), /"main" is not a task branch/);
});
