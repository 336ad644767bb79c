// What the UI tests of agent tasks start from: the packaged extension, a Lima home and a scratch
// folder of their own (the session's HOME and the window's folder inside it), the real test VM
// booted as the FAKE agent VM with the stand-in agent installed (agentStub.ts), and code-server
// (codeServer.ts) opened on that folder with the real limactl.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { FAKE_AGENT_VM_YAML, installAgentStub } from "./agentStub";
import { startCodeServer, testVsix, type CodeServer } from "./codeServer";
import { limactlPath, qemuEnv, tempLimaHome } from "./lima";
import { bootTestVm, destroyInstance } from "./testVmRun";
import type { Page } from "playwright-core";
import { answerQuickInput, openViewContainer, pickQuickPickItem, runCommand, waitForNotification } from "./workbench";

export interface AgentUiSession {
  vms: string[];
  lima: ReturnType<typeof tempLimaHome>;
  /** The session's HOME (the helper writes its ssh config Include there). */
  home: string;
  /** The window's folder. */
  workspace: string;
  /** The stand-in's own git repository in each guest. */
  guestRepo: string;
  server: CodeServer;
}

export interface AgentUiOptions {
  /** Words for the boot's log lines. */
  label: string;
  /** Fills the window's folder before code-server opens it. */
  prepare?: (workspace: string) => void;
  /** User settings for the workbench. */
  settings?: Record<string, unknown>;
  /** More environment for code-server, and so for the helper the extension starts. */
  env?: Record<string, string>;
}

/** Boots the VMs (one after another) and opens code-server; on a failure it removes what it made, then throws. */
export async function startAgentUiSession(vms: string[], options: AgentUiOptions): Promise<AgentUiSession> {
  assert.ok(existsSync(testVsix), `${testVsix} is missing: run \`npm run package\` first`);
  const lima = tempLimaHome();
  const scratch = mkdtempSync(`/tmp/nl${vms[0]}-`);
  const home = join(scratch, "home");
  const workspace = join(scratch, "workspace");
  const session: Partial<AgentUiSession> = { vms: [], lima, home, workspace };
  try {
    for (const dir of [home, workspace]) mkdirSync(dir, { mode: 0o700 });
    options.prepare?.(workspace);
    for (const vm of vms) {
      session.vms!.push(vm);
      await bootTestVm(lima.dir, vm, options.label, FAKE_AGENT_VM_YAML);
      session.guestRepo = await installAgentStub(lima.dir, vm);
    }
    session.server = await startCodeServer({
      vsix: testVsix,
      workspace,
      env: { LIMA_HOME: lima.dir, HOME: home, ...qemuEnv, ...options.env },
      machineSettings: { "nixlima.limactlPath": limactlPath },
      ...(options.settings ? { settings: options.settings } : {}),
    });
    return session as AgentUiSession;
  } catch (error) {
    await closeAgentUiSession(session);
    throw error;
  }
}

/** Closes code-server, deletes the VMs and removes the Lima home and the scratch folder. */
export async function closeAgentUiSession(session: Partial<AgentUiSession> | undefined): Promise<void> {
  if (!session?.lima || !session.vms || !session.home) return;
  await session.server?.close();
  for (const vm of session.vms) await destroyInstance(session.lima.dir, vm);
  session.lima.dispose();
  rmSync(join(session.home, ".."), { recursive: true, force: true });
}

/** A step's name and body, run so that a failure says which step and shows the screen (uiStep.ts). */
export type Explain = <T>(step: string, body: () => Promise<T>) => Promise<T>;

/** "Set Agent Credentials…" answered as a person would: the Anthropic key into VS Code's secret storage. */
export async function storeAnthropicKey(page: Page, key: string, explain: Explain): Promise<void> {
  await openViewContainer(page, "nixlima", "nixlima");
  await runCommand(page, "nixlima: Set Agent Credentials…");
  await explain("provider", () => pickQuickPickItem(page, "Anthropic"));
  await explain("key", () => answerQuickInput(page, key, /^Stored in VS Code's secret storage/));
  await explain("stored", () => waitForNotification(page, "Stored the Anthropic API key in VS Code's secret storage."));
}

/** The questions a dispatch asks after its prompt, for one round of claude with no budget; `folder` answers the last. */
export async function answerRunSettings(page: Page, explain: Explain, folder: { answer: string; prompt: RegExp }): Promise<void> {
  await explain("agent", () => pickQuickPickItem(page, "claude"));
  await explain("rounds", () => answerQuickInput(page, "1", /^Rounds at most/));
  await explain("time limit", () => answerQuickInput(page, "5m", /^Time limit/));
  await explain("budget", () => answerQuickInput(page, "", /^Budget for the model/));
  await explain("folder", () => answerQuickInput(page, folder.answer, folder.prompt));
}
