// Each agent task's output in its own terminal: a Pseudoterminal fed by the job's jobs/log lines
// (replaying the lines the helper kept, so it also works after a reload). A terminal rather than
// the log channel because an agent talks a lot, several run at once, and each run deserves its
// own scrollback that ends with its result; Ctrl+C in it stops the task. Closing it only hides
// the output: the task goes on ("Show Task Output" brings it back).
import * as vscode from "vscode";
import { dispatchOf, jobVm, type Job } from "../../../helper/src/protocol";
import type { HelperClient } from "../helperClient";
import type { VmStore } from "../vmStore";
import { TaskItem } from "../tree/agentItems";
import { describeDispatchResult, terminalLine } from "./agentFormat";
import { taskBranchOf } from "./taskReviewPlan";

const OWN_TASKS = "nixlima.dispatchTasks";

export class DispatchTerminals implements vscode.Disposable {
  private readonly open = new Map<string, { terminal: vscode.Terminal; write: vscode.EventEmitter<string> }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly helper: HelperClient,
    private readonly store: VmStore,
    private readonly state: vscode.Memento,
  ) {
    this.subscriptions = [
      helper.onJobLog(({ id, line }) => this.open.get(id)?.write.fire(terminalLine(line))),
      helper.onJob((job) => this.ended(job)),
      // After a reload: bring back the terminals of the tasks this workspace started.
      helper.onJobs((jobs) => {
        const own = new Set(this.state.get<string[]>(OWN_TASKS, []));
        for (const job of jobs) if (job.request.kind === "dispatch" && job.state === "running" && own.has(job.id)) this.show(job, true);
        void this.state.update(OWN_TASKS, jobs.filter((j) => own.has(j.id) && j.state === "running").map((j) => j.id));
      }),
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, entry] of this.open) if (entry.terminal === t) this.forget(id);
      }),
    ];
  }

  /** A task this window started: its terminal opens now and again after a reload. */
  started(job: Job): void {
    void this.state.update(OWN_TASKS, [...this.state.get<string[]>(OWN_TASKS, []), job.id]);
    this.show(job, false);
  }

  show(job: Job, preserveFocus: boolean): void {
    const existing = this.open.get(job.id);
    if (existing) return existing.terminal.show(preserveFocus);
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<void>();
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: () => {
        const known = this.helper.job(job.id) ?? job;
        write.fire(terminalLine(`nixlima: ${dispatchOf(known.request)?.agent ?? "agent"} in ${jobVm(known.request) ?? "?"} — Ctrl+C stops it`));
        for (const line of known.log) write.fire(terminalLine(line));
        if (known.state !== "running") this.writeEnd(known, write);
      },
      close: () => undefined,
      handleInput: (data) => {
        if (data === "\x03" && this.store.job(job.id)?.state === "running") {
          write.fire(terminalLine("^C — stopping the agent…"));
          void this.helper.cancelJob(job.id);
        }
      },
    };
    const terminal = vscode.window.createTerminal({ name: `${dispatchOf(job.request)?.agent ?? "agent"}: ${jobVm(job.request) ?? "?"}`, pty, iconPath: new vscode.ThemeIcon("hubot") });
    this.open.set(job.id, { terminal, write });
    terminal.show(preserveFocus);
  }

  private ended(job: Job): void {
    if (job.request.kind !== "dispatch" || job.state === "running") return;
    const entry = this.open.get(job.id);
    if (!entry) return;
    this.writeEnd(job, entry.write);
    const result = job.result?.dispatch;
    if (!result) return;
    const diff = "Show Diff";
    const review = "Review Branch";
    const hasPatch = result.patch !== null && result.patch.trim() !== "";
    // A branch came back: Review shows it file by file (the row offers Merge and Discard too).
    const actions = taskBranchOf(job) ? [review] : hasPatch ? [diff] : [];
    void vscode.window.showInformationMessage(describeDispatchResult(result), ...actions).then(async (choice) => {
      if (choice === review) await vscode.commands.executeCommand("nixlima.reviewTask", new TaskItem(job));
      if (choice === diff && result.patch) await showPatch(result.patch, result.patchTruncated);
    });
  }

  private writeEnd(job: Job, write: vscode.EventEmitter<string>): void {
    const result = job.result?.dispatch;
    write.fire(terminalLine(""));
    write.fire(terminalLine(`── ${result ? describeDispatchResult(result) : `${job.state}: ${job.error?.message ?? ""}`}`));
    if (result?.diffStat) write.fire(terminalLine(result.diffStat));
  }

  private forget(id: string): void {
    this.open.get(id)?.write.dispose();
    this.open.delete(id);
  }

  dispose(): void {
    for (const id of [...this.open.keys()]) this.forget(id);
    this.subscriptions.forEach((s) => s.dispose());
  }
}

export async function showPatch(patch: string, truncated: boolean): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: "diff", content: truncated ? `${patch}\n# (patch truncated)\n` : patch });
  await vscode.window.showTextDocument(doc, { preview: true });
}
