// Agent sandboxes from the editor: API keys, dispatching a task to a VM or a whole fleet, stopping
// and showing tasks, fleets (create, stop, delete) and hardening a flagged VM.
import * as vscode from "vscode";
import { localProjectFolder } from "../agents/taskProject";
import { askNotSandboxed } from "../agents/notSandboxedQuestion";
import { askBudget } from "../agents/budgetQuestion";
import { parseDuration } from "../../../helper/src/shared/duration";
import { inFleet } from "../../../helper/src/shared/jobHolds";
import { checkVmName } from "../../../helper/src/shared/vmNames";
import { AgentName, Preset, type DispatchOptions, type Vm } from "../../../helper/src/protocol";
import { assignPrompts } from "../agents/agentFormat";
import { copyClaudeTokenTo } from "../agents/copyToken";
import { setAgentCredentials, storedSecrets } from "../agents/credentials";
import type { Ctx } from "../ctx";
import { FleetItem, SandboxItem, TaskItem } from "../tree/agentItems";
import { groupFleets, type FleetGroup } from "../../../helper/src/shared/fleetMembers";
import { hardenDetail } from "../tree/sandboxFormat";
import { isTrusted, isTrustRow, manageTrust, trustRow } from "../trust";
import { vmFromArg } from "./pickVm";
import { runJob } from "./runJob";

const isRunning = (vm: Vm) => vm.status === "Running";

export const setCredentials = (ctx: Ctx) => () => setAgentCredentials(ctx.extension.secrets);

export const copyClaudeToken = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isRunning, "given the Claude token");
  if (vm) await copyClaudeTokenTo(vm, ctx.helper, ctx.log);
};

/** The prompt file: PROMPT.md files of the workspace first (only a trusted one), or any file. */
async function pickPromptFile(title: string): Promise<vscode.Uri | undefined> {
  const found = isTrusted() ? await vscode.workspace.findFiles("**/PROMPT.md", "**/node_modules/**", 20) : [];
  const browse = { label: "$(folder-opened) Choose a file…", uri: undefined as vscode.Uri | undefined };
  const rows = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri: uri as vscode.Uri | undefined })), browse];
  const offered = isTrusted() || !vscode.workspace.workspaceFolders?.length ? rows : [...rows, trustRow("the workspace's PROMPT.md files")];
  const picked =
    offered.length === 1 ? browse : await vscode.window.showQuickPick(offered, { title, placeHolder: "Prompt file", ignoreFocusOut: true });
  if (!picked) return undefined;
  if (isTrustRow(picked)) return void (await manageTrust());
  if (picked.uri) return picked.uri;
  const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, title: "Prompt file", filters: { Prompt: ["md", "txt"], "All files": ["*"] } })) ?? [];
  return file;
}

async function readPrompt(uri: vscode.Uri): Promise<string | undefined> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  if (!text.trim()) {
    void vscode.window.showErrorMessage(`The prompt file ${vscode.workspace.asRelativePath(uri)} is empty: write the task into it first.`);
    return undefined;
  }
  return text;
}

type RunSettings = Omit<DispatchOptions, "prompt">;
const lastSettings = "nixlima.dispatchSettings";

/** Agent, rounds, time limit, budget and guest folder; the last answers are proposed again. */
async function askRunSettings(ctx: Ctx, title: string): Promise<RunSettings | undefined> {
  const last = ctx.extension.workspaceState.get<Partial<RunSettings>>(lastSettings, {});
  const agents = AgentName.options.map((a) => ({ label: a, description: a === last.agent ? "last used" : "", agent: a }));
  agents.sort((a, b) => Number(b.agent === last.agent) - Number(a.agent === last.agent));
  const agent = (await vscode.window.showQuickPick(agents, { title, placeHolder: "Agent (runs with its permission bypass flag)", ignoreFocusOut: true }))?.agent;
  if (!agent) return undefined;
  const loop = await vscode.window.showInputBox({
    title,
    prompt: "Rounds at most: the prompt runs again until the agent creates .nixlima-done in the folder",
    value: String(last.loop ?? 1),
    ignoreFocusOut: true,
    validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : "Enter a whole number, 1 or more."),
  });
  if (loop === undefined) return undefined;
  const timeout = await vscode.window.showInputBox({
    title,
    prompt: "Time limit for the whole run (90s, 30m, 2h, 1h30m); empty: none",
    value: last.timeoutMs ? `${Math.round(last.timeoutMs / 60_000)}m` : "",
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      try {
        parseDuration(v);
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  if (timeout === undefined) return undefined;
  const budget = await askBudget(title, last);
  if (budget === undefined) return undefined;
  const project = localProjectFolder();
  const workdir = await vscode.window.showInputBox({
    title,
    prompt: project
      ? `Folder in the VM to run in, in place; empty: a clone of ${project}, whose work comes back as a branch`
      : "Folder in the VM to run in; empty: the guest home",
    value: last.workdir ?? "",
    ignoreFocusOut: true,
  });
  if (workdir === undefined) return undefined;
  const settings: RunSettings = { agent, loop: Number(loop), ...(timeout.trim() ? { timeoutMs: parseDuration(timeout) } : {}), ...budget, ...(workdir.trim() ? { workdir: workdir.trim() } : project ? { project } : {}) };
  await ctx.extension.workspaceState.update(lastSettings, settings);
  return settings;
}

/** The keys for the agent, or after a warning none (the agent may have its own login in the VM). */
async function secretsOrWarn(ctx: Ctx, agent: AgentName): Promise<Record<string, string> | undefined> {
  const secrets = await storedSecrets(ctx.extension.secrets, agent);
  if (Object.keys(secrets).length > 0) return secrets;
  const set = "Set Credentials…";
  const go = "Dispatch Anyway";
  const choice = await vscode.window.showWarningMessage(
    `No API key is stored for ${agent}.`,
    { modal: true, detail: "The agent then needs its own login inside the VM (for Claude: Copy Claude Token to VM…)." },
    set,
    go,
  );
  if (choice === set) await setAgentCredentials(ctx.extension.secrets);
  return choice === go ? {} : choice === set ? storedSecrets(ctx.extension.secrets, agent) : undefined;
}

async function startTask(ctx: Ctx, vm: string, options: DispatchOptions, secrets: Record<string, string>): Promise<void> {
  const job = await ctx.helper.startJob({ kind: "dispatch", vm, dispatch: options, secrets });
  ctx.jobs.update(job);
  ctx.tasks.started(job);
}

export const dispatchTask = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = await vmFromArg(ctx, arg, isRunning, "given a task");
  if (!vm) return;
  // Asked first: the helper refuses a VM whose guest shows no agent sandbox unless the person agreed.
  const notSandboxed = await askNotSandboxed(ctx, [vm.name]);
  if (notSandboxed === undefined) return;
  const title = `Dispatch Task to ${vm.name}`;
  const file = await pickPromptFile(title);
  const prompt = file && (await readPrompt(file));
  if (!prompt) return;
  const settings = await askRunSettings(ctx, title);
  if (!settings) return;
  const secrets = await secretsOrWarn(ctx, settings.agent);
  if (secrets) await startTask(ctx, vm.name, { ...settings, prompt, ...(notSandboxed ? { notSandboxed } : {}) }, secrets);
};

async function fleetFromArg(ctx: Ctx, arg: unknown, action: string): Promise<FleetGroup | undefined> {
  if (arg instanceof FleetItem) return groupFleets(ctx.store.vms()).fleets.find((f) => f.prefix === arg.fleet.prefix) ?? arg.fleet;
  const { fleets } = groupFleets(ctx.store.vms());
  if (fleets.length === 0) {
    void vscode.window.showInformationMessage("No fleets yet (VMs named PREFIX-1, PREFIX-2, …): run nixlima: Create Fleet… first.");
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    fleets.map((f) => ({ label: f.prefix, description: `${f.members.length} VMs · ${f.running} running`, fleet: f })),
    { title: `Fleet to ${action}`, placeHolder: "Choose a fleet" },
  );
  return picked?.fleet;
}

export const dispatchToFleet = (ctx: Ctx) => async (arg?: unknown) => {
  const fleet = await fleetFromArg(ctx, arg, "give tasks to");
  if (!fleet) return;
  const running = fleet.members.filter((vm) => isRunning(vm) && !ctx.store.runningTask(vm.name));
  if (running.length === 0) {
    void vscode.window.showInformationMessage(`No VM of fleet ${fleet.prefix} is running without a task: start some first.`);
    return;
  }
  const title = `Dispatch to Fleet ${fleet.prefix}`;
  const files = await vscode.window.showOpenDialog({
    canSelectMany: true,
    title: `Prompt files: one per VM (in name order), or one for all ${running.length}`,
    filters: { Prompt: ["md", "txt"], "All files": ["*"] },
  });
  if (!files) return;
  const plan = assignPrompts(running.map((v) => v.name), files.map((uri) => ({ name: uri.path.split("/").pop() ?? "", uri })));
  if (typeof plan === "string") {
    void vscode.window.showErrorMessage(plan);
    return;
  }
  const settings = await askRunSettings(ctx, title);
  if (!settings) return;
  const go = "Dispatch";
  const ok = await vscode.window.showInformationMessage(
    `Dispatch ${settings.agent} to ${plan.length} VM${plan.length === 1 ? "" : "s"} of ${fleet.prefix}?`,
    { modal: true, detail: plan.map((p) => `${p.vm} ← ${vscode.workspace.asRelativePath(p.file.uri)}`).join("\n") },
    go,
  );
  if (ok !== go) return;
  const notSandboxed = await askNotSandboxed(ctx, plan.map((p) => p.vm));
  if (notSandboxed === undefined) return;
  const secrets = await secretsOrWarn(ctx, settings.agent);
  if (!secrets) return;
  for (const { vm, file } of plan) {
    const prompt = await readPrompt(file.uri);
    if (prompt) await startTask(ctx, vm, { ...settings, prompt, ...(notSandboxed ? { notSandboxed } : {}) }, secrets).catch((err: unknown) => vscode.window.showErrorMessage(`${vm}: ${err instanceof Error ? err.message : String(err)}`));
  }
};

/** Stop = cancel the job: the helper kills the agent's process group in the guest. */
export const stopTask = (ctx: Ctx) => async (arg?: unknown) => {
  const vm = arg instanceof TaskItem ? undefined : await vmFromArg(ctx, arg, (v) => ctx.store.runningTask(v.name) !== undefined, "stopped (its task)");
  const task = arg instanceof TaskItem ? arg.job : vm && ctx.store.runningTask(vm.name);
  if (task) await ctx.helper.cancelJob(task.id);
};

export const showTaskOutput = (ctx: Ctx) => async (arg?: unknown) => {
  if (arg instanceof TaskItem) return ctx.tasks.show(ctx.store.job(arg.job.id) ?? arg.job, false);
  const vm = await vmFromArg(ctx, arg, (v) => ctx.store.runningTask(v.name) !== undefined, "shown (its task)");
  const task = vm && ctx.store.runningTask(vm.name);
  if (task) ctx.tasks.show(task, false);
};

export const createFleet = (ctx: Ctx) => async () => {
  const title = "Create Fleet";
  const prefix = await vscode.window.showInputBox({
    title,
    prompt: "Fleet name: the VMs are called NAME-1, NAME-2, …",
    placeHolder: "for example agents",
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        checkVmName(v);
        checkVmName(`${v}-1`);
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
      return ctx.store.vms().some((vm) => inFleet(vm.name, v)) ? `Fleet "${v}" already exists.` : undefined;
    },
  });
  if (!prefix) return;
  const count = await vscode.window.showInputBox({
    title,
    prompt: "How many VMs",
    value: "3",
    ignoreFocusOut: true,
    validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 64 ? undefined : "Enter a whole number from 1 to 64."),
  });
  if (!count) return;
  const templates = await ctx.helper.templates();
  const template = await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.name, description: t.name === "agent" ? "default for fleets" : "", detail: t.description, path: t.path })).sort((a, b) => Number(b.label === "agent") - Number(a.label === "agent")),
    { title, placeHolder: "Template", ignoreFocusOut: true },
  );
  if (!template) return;
  const preset = await vscode.window.showQuickPick(
    [{ label: "Template default", preset: undefined as Preset | undefined }, ...Preset.options.map((p) => ({ label: p, preset: p as Preset | undefined }))],
    { title, placeHolder: "Resources of each VM", ignoreFocusOut: true },
  );
  if (!preset) return;
  await runJob(ctx, { kind: "fleet", fleet: { action: "create", create: { prefix, count: Number(count), template: template.path, ...(preset.preset ? { preset: preset.preset } : {}) } } });
};

export const stopFleet = (ctx: Ctx) => async (arg?: unknown) => {
  const fleet = await fleetFromArg(ctx, arg, "stop");
  if (!fleet) return;
  const stop = "Stop All";
  const choice = await vscode.window.showWarningMessage(
    `Stop the ${fleet.running} running VM${fleet.running === 1 ? "" : "s"} of fleet ${fleet.prefix}?`,
    { modal: true, detail: "Agent tasks running in them are killed." },
    stop,
  );
  if (choice === stop) await runJob(ctx, { kind: "fleet", fleet: { action: "stop", prefix: fleet.prefix } });
};

export const deleteFleet = (ctx: Ctx) => async (arg?: unknown) => {
  const fleet = await fleetFromArg(ctx, arg, "delete");
  if (!fleet) return;
  const del = "Delete All";
  const choice = await vscode.window.showWarningMessage(
    `Delete all ${fleet.members.length} VMs of fleet ${fleet.prefix}?`,
    { modal: true, detail: `${fleet.members.map((v) => v.name).join(", ")}: their disks and everything in them are deleted${fleet.running ? "; running ones are killed" : ""}.` },
    del,
  );
  if (choice === del) await runJob(ctx, { kind: "fleet", fleet: { action: "delete", prefix: fleet.prefix, force: true } });
};

export const hardenVm = (ctx: Ctx) => async (arg?: unknown) => {
  const name = arg instanceof SandboxItem ? arg.vmName : (await vmFromArg(ctx, arg, (v) => v.status === "Stopped", "hardened"))?.name;
  if (!name) return;
  const dry = await ctx.helper.harden(name, true);
  if (dry.changes.length === 0) {
    void vscode.window.showInformationMessage(`Nothing to harden in ${name}'s lima.yaml.`, { detail: hardenDetail([], dry.remaining) });
    return;
  }
  const apply = "Harden";
  const choice = await vscode.window.showWarningMessage(`Harden ${name}? These changes go into its lima.yaml (comments kept):`, { modal: true, detail: hardenDetail(dry.changes, dry.remaining) }, apply);
  if (choice !== apply) return;
  const done = await ctx.helper.harden(name, false);
  ctx.store.forgetAudit(name);
  void vscode.window.showInformationMessage(done.changed ? `Hardened ${name}: ${done.changes.join("; ")}.` : `${name} needed no changes.`);
};
