// A task's work as a branch to review, from the packaged extension in a real VS Code (code-server
// in Chromium) with the window's folder a git repository: "Dispatch Task…" with no folder in the
// VM clones the project into the real test VM, the agent's edit comes back as branch
// nixlima/VM/TASK, and the finished Task row offers Review (VS Code's multi-file diff), Merge and
// Discard. The agent is the stand-in of test/support/agentStub.ts (it appends to notes.txt); the
// guest, limactl, ssh, git and the helper are real. Needs scripts/setup.sh and `npm run package`;
// runs as the test user.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator } from "playwright-core";
import { resetAgentStub } from "../support/agentStub";
import { answerRunSettings, closeAgentUiSession, startAgentUiSession, type AgentUiSession } from "../support/agentUiSession";
import type { CodeServer } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import {
  answerDialog,
  clickContextMenuItem,
  clickNotificationButton,
  openViewContainer,
  pickQuickPickItem,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const NAME = "uibranch";
const TASK_TIMEOUT_MS = 3 * 60_000;
const BRANCH = new RegExp(`nixlima/${NAME}/[0-9a-f]{8}`);

describe("a task's branch reviewed, merged and discarded in a real VS Code", () => {
  let session: AgentUiSession | undefined;
  let workspace: string;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "ui-task-branch", step, body);
  const git = (...args: string[]) => execFileSync("git", ["-C", workspace, ...args], { encoding: "utf8" });
  const taskBranches = () => git("branch", "--list", "nixlima/*", "--format=%(refname:short)").trim();

  before(async () => {
    session = await startAgentUiSession([NAME], {
      label: "ui task branch",
      prepare: (folder) => {
        workspace = folder;
        execFileSync("git", ["init", "-q", "-b", "main", workspace]);
        git("config", "user.name", "Host User");
        git("config", "user.email", "host@example.invalid");
        writeFileSync(join(workspace, "notes.txt"), "start\n");
        git("add", "notes.txt");
        git("commit", "-q", "-m", "start");
        // Not committed: the prompt file the dispatch reads; the clone carries only commits.
        writeFileSync(join(workspace, "PROMPT.md"), "Fix the notes.\n");
      },
    });
    server = session.server;
  });

  after(() => closeAgentUiSession(session));

  /** Dispatch Task… on the VM row, answered as a person would for a clone of the window's folder; the result toast. */
  async function dispatchClone(): Promise<{ vmRow: Locator; toast: Locator; branch: string }> {
    await resetAgentStub(session!.lima.dir, NAME, session!.guestRepo, "edit");
    const { page } = server!;
    const view = await openViewContainer(page, "nixlima", "nixlima");
    const vmRow = await explain("VM row", () => waitForTreeRow(view, NAME));
    await explain("running", () => waitForRowDescription(vmRow, /^Running · /));
    await clickContextMenuItem(page, vmRow, "Dispatch Task…");
    await explain("not a sandbox", () => answerDialog(page, new RegExp(`${NAME} is not an agent sandbox\\. Dispatch anyway\\?`), "Dispatch Anyway"));
    await explain("prompt file", () => pickQuickPickItem(page, "PROMPT.md"));
    // An empty folder: a clone, not a folder in the VM.
    await answerRunSettings(page, explain, { answer: "", prompt: new RegExp(`empty: a clone of ${workspace}, whose work comes back as a branch`) });
    await explain("questions done", () => waitForQuickInputClosed(page));
    // No key stored: the stand-in agent needs none, and a person without one dispatches anyway.
    await explain("no key stored", () => answerDialog(page, /No API key is stored for claude\./, "Dispatch Anyway"));
    const toast = await explain("result", () =>
      waitForNotification(page, new RegExp(`^claude in ${NAME}: finished after 1 round in \\d+ s, exit code 0 · 1 file changed, 1 insertion\\(\\+\\) · on branch ${BRANCH.source}$`), TASK_TIMEOUT_MS),
    );
    const branch = BRANCH.exec((await toast.textContent()) ?? "")?.[0];
    assert.ok(branch, "the result names no branch");
    return { vmRow, toast, branch };
  }

  /** The VM row's finished Task: the branch waiting for review, its commit counted. */
  async function finishedTaskRow(vmRow: Locator, branch: string): Promise<Locator> {
    const view = await openViewContainer(server!.page, "nixlima", "nixlima");
    if ((await vmRow.getAttribute("aria-expanded")) !== "true") await vmRow.locator(".monaco-tl-twistie").click();
    const task = await explain("task row", () => waitForTreeRow(view, "Task"));
    await explain("task row names the branch", () => waitForRowDescription(task, new RegExp(`^claude · finished · ${branch} · 1 commit to review$`)));
    return task;
  }

  test("the agent's edit comes back as a branch; Review shows it file by file; Merge brings it into the working tree; the branch is then discarded", { timeout: 3 * TASK_TIMEOUT_MS }, async () => {
    const { page } = server!;
    const { vmRow, toast, branch } = await dispatchClone();
    assert.equal(git("show", `${branch}:notes.txt`), "start\nedited in round 1\n");
    assert.equal(readFileSync(join(workspace, "notes.txt"), "utf8"), "start\n", "the working tree changed before Merge");

    await clickNotificationButton(toast, "Review Branch");
    const diff = page.locator(".monaco-editor .view-lines").filter({ hasText: "edited in round 1" });
    await explain("review: the multi-file diff", () => diff.first().waitFor({ timeout: 30_000 }));
    const tab = page.locator(".tab .label-name").filter({ hasText: branch }).first();
    await explain("review: its title", () => tab.waitFor({ timeout: 30_000 }));
    // The branch, and the count of files the multi-file diff editor adds itself (in VS Code since 1.9x), once.
    assert.match(((await tab.textContent()) ?? "").trim(), new RegExp(`^${branch}(?: \\(1 file\\))?$`));
    await server!.screenshot("ui-task-branch-review");

    const task = await finishedTaskRow(vmRow, branch);
    await server!.screenshot("ui-task-branch-row");
    await clickContextMenuItem(page, task, "Merge Task Branch…");
    await explain("merge: asked first", () => answerDialog(page, `Merge ${branch} into the current branch of ${workspace}?`, "Merge"));
    const merged = await explain("merged", () => waitForNotification(page, `Merged ${branch}.`));
    assert.equal(readFileSync(join(workspace, "notes.txt"), "utf8"), "start\nedited in round 1\n");
    assert.equal(git("status", "--porcelain", "--untracked-files=no"), "", "Merge left the working tree changed but uncommitted");

    // Merged already, so the toast's Discard Branch asks nothing more.
    await clickNotificationButton(merged, "Discard Branch");
    await explain("task row gone", () => task.waitFor({ state: "detached", timeout: 30_000 }));
    assert.equal(taskBranches(), "");
    assert.equal(readFileSync(join(workspace, "notes.txt"), "utf8"), "start\nedited in round 1\n", "Discard after Merge undid the merge");
  });

  test("Discard Task Branch… on the row deletes the branch and leaves the working tree as it was", { timeout: 2 * TASK_TIMEOUT_MS }, async () => {
    const { page } = server!;
    const before = readFileSync(join(workspace, "notes.txt"), "utf8");
    const head = git("rev-parse", "HEAD").trim();
    const { vmRow, branch } = await dispatchClone();
    assert.match(taskBranches(), new RegExp(`^${branch}$`, "m"));
    const task = await finishedTaskRow(vmRow, branch);
    await clickContextMenuItem(page, task, "Discard Task Branch…");
    await explain("discard: asked first", () => answerDialog(page, `Delete branch ${branch} from ${workspace}?`, "Discard"));
    await explain("task row gone", () => task.waitFor({ state: "detached", timeout: 30_000 }));
    assert.doesNotMatch(taskBranches(), new RegExp(branch));
    assert.equal(readFileSync(join(workspace, "notes.txt"), "utf8"), before);
    assert.equal(git("rev-parse", "HEAD").trim(), head);
  });
});
