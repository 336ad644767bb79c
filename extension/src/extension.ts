// Activation: wire the helper's events to the store, the tree, the progress notifications and
// the log, and register the commands. Nothing here waits for the helper, so activation is quick.
import * as vscode from "vscode";
import { registerHostLogProvider } from "./hostLogProvider";
import type { VmSnapshot } from "../../helper/src/protocol";
import { watchAudits } from "./agents/auditFetcher";
import { DispatchTerminals } from "./agents/dispatchTerminals";
import { registerCommands } from "./commands";
import { devVmStatusBar } from "./devVm";
import { showSshProblem } from "./commands/remoteCommands";
import { helperSettings, readHelperConfig } from "./config";
import type { Ctx } from "./ctx";
import { HelperClient } from "./helperClient";
import { JobTracker, jobSubject } from "./jobProgress";
import { registerImagesView } from "./tree/imagesView";
import { VmTreeProvider } from "./tree/vmTreeProvider";
import { VmStore } from "./vmStore";

export function activate(context: vscode.ExtensionContext): void {
  const startedAt = performance.now();
  const log = vscode.window.createOutputChannel("nixlima", { log: true });
  const store = new VmStore();
  const helper = new HelperClient(context.asAbsolutePath("dist/helper.js"), readHelperConfig(), log);
  const jobs = new JobTracker(helper, store, log);
  const tasks = new DispatchTerminals(helper, store, context.workspaceState);
  const ctx: Ctx = { extension: context, log, helper, store, jobs, tasks };

  const tree = new VmTreeProvider(store);
  const imagesView = registerImagesView(ctx);
  const shownSshProblems = new Set<string>();
  const view = vscode.window.createTreeView("nixlima.vms", { treeDataProvider: tree, showCollapseAll: false });

  context.subscriptions.push(
    registerHostLogProvider(),
    log,
    store,
    helper,
    tree,
    view,
    ...registerCommands(ctx),
    devVmStatusBar(ctx),
    tasks,
    watchAudits(helper, store),
    ...imagesView,
    helper.onSnapshot((snapshot) => {
      store.setSnapshot(snapshot);
      showState(view, snapshot, log);
    }),
    helper.onJob((job) => jobs.update(job)),
    helper.onJobs((all) => all.forEach((job) => jobs.update(job))),
    helper.onJobLog(({ id, line }) => {
      const job = store.job(id);
      // An agent's own output goes to its task terminal; the log keeps nixlima's commands.
      if (job?.request.kind !== "dispatch") log.info(`[${jobSubject(job) ?? id}] ${line}`);
    }),
    helper.onLog(({ level, message }) => log[level](message)),
    helper.onSshProblem(({ message, manualLine }) => {
      log.warn(`ssh config: ${message}`);
      showSshProblem(message, manualLine, shownSshProblems);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (helperSettings.some((s) => e.affectsConfiguration(s))) helper.reconfigure(readHelperConfig());
    }),
  );
  void vscode.commands.executeCommand("setContext", "nixlima.state", "loading");
  // The Images view offers Build Image as its button only where a builder exists.
  void helper.canBuildImages().then(
    (can) => vscode.commands.executeCommand("setContext", "nixlima.canBuildImages", can),
    () => undefined,
  );
  helper.ready().catch((err: unknown) => {
    const message = `Cannot reach the nixlima helper: ${err instanceof Error ? err.message : String(err)}`;
    showState(view, { ok: false, error: { code: "failed", message } }, log);
  });
  log.info(`nixlima activated in ${(performance.now() - startedAt).toFixed(1)} ms`);
}

/** The welcome views in package.json match `nixlima.state`; an error also shows above the tree. */
function showState(view: vscode.TreeView<unknown>, snapshot: VmSnapshot, log: vscode.LogOutputChannel): void {
  let state: string;
  if (!snapshot.ok) {
    state = snapshot.error.code === "limactl-missing" ? "limactlMissing" : "error";
    view.message = `${snapshot.error.message}${snapshot.error.hint ? ` ${snapshot.error.hint}` : ""}`;
    log.error(view.message);
  } else {
    state = snapshot.vms.length === 0 ? "noVms" : "ready";
    view.message = undefined;
  }
  void vscode.commands.executeCommand("setContext", "nixlima.state", state);
}

export function deactivate(): void {
  // The helper keeps running on purpose: its jobs outlive this window.
}
