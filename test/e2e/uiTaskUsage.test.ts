// A task's token count, watched in a real VS Code (code-server in Chromium): a task dispatched
// from the packaged extension to the real test VM asks the model once through the task's key
// proxy, and while it runs the Task row under its VM shows the tokens the model's answer stated,
// the VM row's context menu offers Show Task Output and Stop Task (the `vm+tasked` items), and
// Stop Task ends it with the count in its result; a fleet of two given the task at once shows
// the two counts added up on its Fleet row. The agent is the stand-in of
// test/support/agentStub.ts in its `ask` mode (one Messages API request over bash's /dev/tcp,
// then it holds); the model is the scripted server of test/support/modelServer.ts (FAKE: no
// model is reachable here) upstream of the helper's proxy over TLS. The guest, limactl, ssh and
// its reverse forward, the proxy and the helper are real. Needs scripts/setup.sh and
// `npm run package`; runs as the test user.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resetAgentStub } from "../support/agentStub";
import { answerRunSettings, closeAgentUiSession, startAgentUiSession, storeAnthropicKey, type AgentUiSession } from "../support/agentUiSession";
import type { CodeServer } from "../support/codeServer";
import { SCRIPTED_USAGE, startModelServer, type ModelServer } from "../support/modelServer";
import { guestShell } from "../support/testVmRun";
import { explainStep } from "../support/uiStep";
import {
  answerDialog,
  clickContextMenuItem,
  contextMenuItems,
  openViewContainer,
  pickQuickPickItem,
  resizeSideBar,
  typeInQuickInput,
  waitForQuickInput,
  waitForNotification,
  waitForQuickInputClosed,
  waitForRowDescription,
  waitForTreeRow,
} from "../support/workbench";

const FLEET = "uiuse";
const VMS = [`${FLEET}-1`, `${FLEET}-2`];
const KEY = `sk-ant-use-${Date.now().toString(36)}-planted-key`;
const TASK_TIMEOUT_MS = 2 * 60_000;
/**
 * How describeUsage words the usage of `answers` scripted answers: the scripted server's tokens,
 * and their estimated cost at the list price of the model the stand-in names (claude-sonnet-4-5:
 * $3 in, $15 out per million tokens, so 100 in and 20 out cost $0.0006), as the end of a row.
 */
function usedAtEnd(answers: number, cost: string): RegExp {
  const words = `${answers * SCRIPTED_USAGE.input_tokens} in · ${answers * SCRIPTED_USAGE.output_tokens} out · ~$${cost}`;
  return new RegExp(`${words.replace(/[.$]/g, "\\$&")}$`);
}
const ONE_ANSWER = usedAtEnd(1, "0.0006");

describe("a task's token count in a real VS Code", () => {
  let session: AgentUiSession | undefined;
  let lima: AgentUiSession["lima"];
  let repo: string;
  let model: ModelServer | undefined;
  let server: CodeServer | undefined;

  const explain = <T>(step: string, body: () => Promise<T>) => explainStep(server, "ui-task-usage", step, body);
  const asked = () => model!.seen.filter((r) => r.url.endsWith("/v1/messages"));
  const explorer = () => openViewContainer(server!.page, "nixlima", "nixlima");

  /** The sidebar wide enough for a row's whole description, saved as test-results/NAME.png. */
  async function sideBarScreenshot(name: string): Promise<void> {
    await resizeSideBar(server!.page, 560);
    await server!.screenshot(name, server!.page.locator(".part.sidebar"));
  }

  before(async () => {
    model = await startModelServer([], { tls: true });
    session = await startAgentUiSession(VMS, {
      label: "ui task usage",
      prepare: (workspace) => writeFileSync(join(workspace, "PROMPT.md"), "Say hello.\n"),
      // The helper the extension starts inherits these: its proxy forwards to the scripted model.
      env: { NIXLIMA_TEST_API_UPSTREAM: model.url, NIXLIMA_TEST_API_CA: model.caFile! },
      // The DOM renderer keeps a terminal's text in the page, where the test can read it.
      settings: { "terminal.integrated.gpuAcceleration": "off" },
    });
    ({ lima, server, guestRepo: repo } = session);
    // A stored key: the proxy, which counts the usage, runs only for a task with one.
    await storeAnthropicKey(session.server.page, KEY, explain);
  });

  after(async () => {
    await closeAgentUiSession(session);
    await model?.close();
  });

  test("while the task runs its row counts the model's tokens and the VM's menu offers its output and its stop; Stop Task ends it with the count", { timeout: 2 * TASK_TIMEOUT_MS }, async () => {
    const { page } = server!;
    const NAME = VMS[0]!;
    await resetAgentStub(lima.dir, NAME, repo, "ask");
    const askedBefore = asked().length;
    const view = await explorer();
    const vmRow = await explain("VM row", () => waitForTreeRow(view, NAME));
    await explain("running", () => waitForRowDescription(vmRow, /^Running · /));
    await clickContextMenuItem(page, vmRow, "Dispatch Task…");
    await explain("not a sandbox", () => answerDialog(page, `${NAME} is not an agent sandbox. Dispatch anyway?`, "Dispatch Anyway"));
    await explain("prompt file", () => pickQuickPickItem(page, "PROMPT.md"));
    await answerRunSettings(page, explain, { answer: repo, prompt: /^Folder in the VM/ });
    await explain("questions done", () => waitForQuickInputClosed(page));
    // Expanded only now: while the row's children render, a right-click on it can be lost.
    await vmRow.locator(".monaco-tl-twistie").click();

    const task = await explain("task row", () => waitForTreeRow(view, "Task"));
    const counted = await explain("task row counts the tokens", () => waitForRowDescription(task, ONE_ANSWER, TASK_TIMEOUT_MS));
    console.log(`running Task row: "${counted}"; VM row: "${await vmRow.locator(".label-description").textContent()}"`);
    // The row sits under its VM: the agent, the round and the count, nothing said twice.
    assert.match(counted, new RegExp(`^claude · Round 1 of 1 · ${ONE_ANSWER.source}`));
    await sideBarScreenshot("ui-task-usage-running");

    // The count is the proxy's: the one request reached the model with the stored key, not the task's token.
    assert.equal(asked().length, askedBefore + 1);
    assert.equal(asked().at(-1)!.headers["x-api-key"], KEY);
    assert.match(await guestShell(lima.dir, NAME, "cat /tmp/stub.log"), /^key:nixlima-task-[0-9a-f]{48}$/m);

    const items = await explain("VM row's menu", () => contextMenuItems(page, vmRow, () => server!.screenshot("ui-task-usage-menu")));
    console.log(`VM row's menu while its task runs: ${items.join(" | ")}`);
    assert.ok(items.includes("Show Task Output") && items.includes("Stop Task"), items.join(" | "));
    assert.ok(!items.includes("Dispatch Task…"), "a VM with a running task offers a second dispatch");

    await clickContextMenuItem(page, vmRow, "Show Task Output");
    const terminal = page.locator(".terminal-wrapper .xterm-rows");
    await explain("task output", () => terminal.filter({ hasText: "stub: asked the model: HTTP/1.1 200 OK" }).waitFor({ timeout: 30_000 }));

    await clickContextMenuItem(page, vmRow, "Stop Task");
    const result = new RegExp(`^claude in ${NAME}: stopped after 1 round in \\d+ s, killed · no changes · ${ONE_ANSWER.source}`);
    await explain("stopped, with the count", () => waitForNotification(page, result, TASK_TIMEOUT_MS));
    await server!.screenshot("ui-task-usage-stopped");
    await explain("task row gone", () => task.waitFor({ state: "detached", timeout: 30_000 }));
    assert.equal(asked().length, askedBefore + 1, "the stand-in asked again");
  });

  test("a fleet of two given the task at once: its Fleet row adds up both tasks' counts", { timeout: 3 * TASK_TIMEOUT_MS }, async () => {
    const { page } = server!;
    for (const vm of VMS) await resetAgentStub(lima.dir, vm, repo, "ask");
    const askedBefore = asked().length;
    const view = await explorer();
    const fleetRow = await explain("fleet row", () => waitForTreeRow(view, FLEET));
    await explain("both running", () => waitForRowDescription(fleetRow, /^2 running · 0 stopped · 0 broken/));
    await clickContextMenuItem(page, fleetRow, "Dispatch to Fleet…");
    // code-server's own file dialog: the path typed, then accepted; one prompt file for every VM.
    await explain("prompt files", async () => {
      await (await waitForQuickInput(page)).locator(".quick-input-title").filter({ hasText: /^Prompt files/ }).waitFor();
      await typeInQuickInput(page, join(session!.workspace, "PROMPT.md"));
      await page.keyboard.press("Enter");
    });
    await answerRunSettings(page, explain, { answer: repo, prompt: /^Folder in the VM/ });
    await explain("both VMs", () => answerDialog(page, `Dispatch claude to 2 VMs of ${FLEET}?`, "Dispatch"));
    await explain("not sandboxes", () => answerDialog(page, `2 VMs are not agent sandboxes (${VMS.join(", ")}). Dispatch anyway?`, "Dispatch Anyway"));

    const total = usedAtEnd(2, "0.0012");
    const running = await explain("fleet row adds up", () => waitForRowDescription(fleetRow, total, TASK_TIMEOUT_MS));
    console.log(`Fleet row while both run: "${running}"`);
    assert.match(running, new RegExp(`^2 running · 0 stopped · 0 broken · tasks: ${total.source}`));
    assert.equal(asked().length, askedBefore + 2);
    await sideBarScreenshot("ui-task-usage-fleet");

    for (const vm of VMS) await guestShell(lima.dir, vm, "touch /tmp/stub.release");
    for (const vm of VMS) {
      const finished = new RegExp(`^claude in ${vm}: finished after 1 round in \\d+ s, exit code 0 · 1 file changed, 1 insertion\\(\\+\\) · ${ONE_ANSWER.source}`);
      await explain(`${vm} finished`, () => waitForNotification(page, finished, TASK_TIMEOUT_MS));
    }
    // Ended: each VM row has dropped its task (a running one reads "Running · 2 min · claude: …"),
    // so the tree is past the tasks' end, and the tasks' results keep the total on the Fleet row.
    for (const vm of VMS) {
      const vmRow = await explain(`${vm} row`, () => waitForTreeRow(view, vm));
      await explain(`${vm} without its task`, () => waitForRowDescription(vmRow, /^Running · [^·]+ · \d+ CPU/, 30_000));
    }
    const ended = await explain("fleet total once both ended", () => waitForRowDescription(fleetRow, total, 30_000));
    assert.match(ended, new RegExp(`^2 running · 0 stopped · 0 broken · tasks: ${total.source}`));
    await sideBarScreenshot("ui-task-usage-fleet-ended");
  });
});
