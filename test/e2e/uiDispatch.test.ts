// An agent task dispatched from the packaged extension in a real VS Code (code-server in Chromium)
// to the real test VM: the key goes into VS Code's secret storage through "Set Agent
// Credentials…", "Dispatch Task…" on the VM's row first asks whether to dispatch to a VM that is
// not an agent sandbox (the plain test guest shows none; answered as a person would, Dispatch
// Anyway), then for the prompt file and the run settings,
// the explorer shows the running task under its VM, the task's own terminal streams the agent's
// output and its result, and a notification offers the diff. The agent is the stand-in of
// test/support/agentStub.ts. Needs scripts/setup.sh and `npm run package`; runs as the test user.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resetAgentStub } from "../support/agentStub";
import { closeAgentUiSession, startAgentUiSession, storeAnthropicKey, type AgentUiSession } from "../support/agentUiSession";
import { outputChannelText, type CodeServer } from "../support/codeServer";
import { explainStep } from "../support/uiStep";
import { filesUnder } from "../support/files";
import { guestShell, secondsSince } from "../support/testVmRun";
import {
  answerDialog,
  answerQuickInput,
  waitForQuickInputMessage,
  clickContextMenuItem,
  clickNotificationButton,
  openViewContainer,
  pickQuickPickItem,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const NAME = "uidisp";
const KEY = `sk-ant-ui-${Date.now().toString(36)}-planted-key`;
const TASK_TIMEOUT_MS = 2 * 60_000;

describe("an agent task dispatched from a real VS Code to a real VM", () => {
  let session: AgentUiSession | undefined;
  let lima: AgentUiSession["lima"];
  let repo: string;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "ui-dispatch", step, body);

  const explorer = () => openViewContainer(server!.page, "nixlima", "nixlima");

  before(async () => {
    session = await startAgentUiSession([NAME], {
      label: "ui dispatch",
      prepare: (workspace) => writeFileSync(join(workspace, "PROMPT.md"), "Fix the notes.\n"),
      // The DOM renderer keeps a terminal's text in the page, where the test can read it.
      settings: { "terminal.integrated.gpuAcceleration": "off" },
    });
    ({ lima, server, guestRepo: repo } = session);
    await resetAgentStub(lima.dir, NAME, repo, "slow");
  });

  after(() => closeAgentUiSession(session));

  test("Set Agent Credentials… stores the Anthropic key", async () => {
    await storeAnthropicKey(server!.page, KEY, explain);
  });

  test("Dispatch Task… on the VM row: a Task row while it runs, the output in its terminal, the diff offered", { timeout: 2 * TASK_TIMEOUT_MS }, async () => {
    const { page } = server!;
    const view = await explorer();
    const row = await explain("VM row", () => waitForTreeRow(view, NAME));
    await explain("running", () => waitForRowDescription(row, /^Running · /));
    await clickContextMenuItem(page, row, "Dispatch Task…");
    await explain("not a sandbox", () => answerDialog(page, /uidisp is not an agent sandbox\. Dispatch anyway\?/, "Dispatch Anyway"));
    await explain("prompt file", () => pickQuickPickItem(page, "PROMPT.md"));
    await explain("agent", () => pickQuickPickItem(page, "claude"));
    await explain("rounds", () => answerQuickInput(page, "1", /^Rounds at most/));
    await explain("time limit", () => answerQuickInput(page, "5m", /^Time limit/));
    await explain("budget refuses a bad answer in one sentence", async () => {
      await answerQuickInput(page, "lots", /^Budget for the model/);
      const sentence = await waitForQuickInputMessage(page, /"lots" is not a token limit/);
      assert.doesNotMatch(sentence, /^Budget for the model/, "the prompt stayed where the refusal belongs");
      await server!.screenshot("ui-dispatch-budget");
    });
    await explain("budget", () => answerQuickInput(page, "", /is not a token limit|^Budget for the model/));
    await explain("folder", () => answerQuickInput(page, repo, /^Folder in the VM/));
    await explain("questions done", () => waitForQuickInputClosed(page));
    const started = performance.now();
    // Expanded only now: while the row's children render, a right-click on it can be lost.
    await row.locator(".monaco-tl-twistie").click();

    const task = await explain("task row", () => waitForTreeRow(view, "Task"));
    const description = await waitForRowDescription(task, /^claude · /);
    console.log(`Task row "${description}" ${secondsSince(started)} s after the last answer`);

    const terminal = page.locator(".terminal-wrapper .xterm-rows");
    await explain("agent output", () => terminal.filter({ hasText: "stub: thinking" }).waitFor({ timeout: TASK_TIMEOUT_MS }));
    const toast = await explain("result", () =>
      waitForNotification(page, /^claude in uidisp: finished after 1 round in \d+ s, exit code 0 · 1 file changed, 1 insertion\(\+\)$/, TASK_TIMEOUT_MS),
    );
    console.log(`Dispatch to result: ${secondsSince(started)} s`);
    await explain("result in terminal", () => terminal.filter({ hasText: "── claude in uidisp: finished" }).waitFor({ timeout: 10_000 }));
    assert.match((await terminal.textContent()) ?? "", /stub: edited notes\.txt/);
    await explain("task row gone", () => task.waitFor({ state: "detached", timeout: 30_000 }));

    await clickNotificationButton(toast, "Show Diff");
    await explain("diff editor", () => page.locator(".monaco-editor .view-lines").filter({ hasText: "+edited in round 1" }).waitFor({ timeout: 30_000 }));

    // What the agent got: its autonomous flags, the prompt file on stdin, a proxy token for the stored key.
    const record = await guestShell(lima.dir, NAME, "cat /tmp/stub.log");
    assert.match(record, /^as:claude\narg:--dangerously-skip-permissions\narg:-p\n/m);
    // The stored key stays in the helper's proxy: the agent holds only the task's token.
    assert.match(record, /^key:nixlima-task-[0-9a-f]{48}$/m);
    assert.ok(!record.includes(KEY), "the stored key reached the agent");
    assert.ok(record.includes("stdin:Fix the notes.\n"), record);
  });

  test("the key is in no log line and no file nixlima or VS Code's logs and settings hold", () => {
    assert.ok(!outputChannelText(server!, "nixlima").includes(KEY), "the key is in the nixlima log");
    const places = [lima.dir, session!.home, join(server!.userDataDir, "logs"), join(server!.userDataDir, "User")];
    const hits = places.flatMap((dir) => filesUnder(dir)).filter((f) => readFileSync(f).includes(KEY));
    assert.deepEqual(hits, []);
    console.log(`searched ${places.flatMap((dir) => filesUnder(dir)).length} files for the key`);
  });
});
