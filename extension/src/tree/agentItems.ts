// The explorer's agent-sandbox rows: a fleet (its VMs below it, fleet-wide actions), the agent
// task running in a VM (contextValue `task`), and the VM's "Sandbox" with the audit's findings.
import * as vscode from "vscode";
import { dispatchOf, type Job } from "../../../helper/src/protocol";
import type { AuditEntry } from "../vmStore";
import type { FleetGroup } from "../../../helper/src/shared/fleetMembers";
import { taskBranchOf } from "../agents/taskReviewPlan";
import { taskProgress, taskUsage } from "../agents/agentFormat";
import type { TaskUsage } from "../../../helper/src/protocol";
import { describeUsage } from "../../../helper/src/shared/usageWords";
import { describeFleet } from "./fleetGroups";
import { plainWords } from "../jobWords";
import { describeSandbox, findingIcon, sandboxContext } from "./sandboxFormat";

export class FleetItem extends vscode.TreeItem {
  constructor(
    readonly fleet: FleetGroup,
    job: Job | undefined,
    /** The members' latest tasks' usage added up, when any went through the key proxy. */
    usage?: TaskUsage,
  ) {
    super(fleet.prefix, vscode.TreeItemCollapsibleState.Expanded);
    this.id = `fleet:${fleet.prefix}`;
    const total = usage?.requests ? ` · tasks: ${describeUsage(usage)}` : "";
    this.description = `${job ? `${job.progress.stage}${job.progress.message ? `: ${job.progress.message}` : ""}` : describeFleet(fleet)}${total}`;
    // fleet+busy offers no actions: the helper would refuse them while the fleet job runs.
    this.contextValue = job ? "fleet+busy" : "fleet";
    this.iconPath = new vscode.ThemeIcon(job ? "loading~spin" : "layers");
    this.tooltip = `Fleet ${fleet.prefix}: ${fleet.members.map((v) => v.name).join(", ")}`;
  }
}

export class TaskItem extends vscode.TreeItem {
  constructor(readonly job: Job) {
    super("Task", vscode.TreeItemCollapsibleState.None);
    this.id = `task:${job.id}`;
    const d = dispatchOf(job.request);
    const back = taskBranchOf(job);
    const r = job.result?.dispatch;
    const usage = taskUsage(job);
    const used = back && r && usage?.requests ? ` · ${describeUsage(usage)}` : "";
    this.description = `${d?.agent ?? "agent"} · ${back && r ? `${r.outcome} · ${back.branch} · ${r.commits ?? 0} commit${r.commits === 1 ? "" : "s"} to review${used}` : taskProgress(job)}`;
    // task+branch: finished, its work waiting on a branch of the host repository.
    this.contextValue = back ? "task+branch" : "task";
    this.iconPath = new vscode.ThemeIcon(back ? "git-branch" : "loading~spin");
    this.tooltip = d ? `${d.agent}: ${d.prompt.split("\n")[0]!.slice(0, 200)}${back ? `\n\nBranch ${back.branch} of ${back.project}` : ""}` : undefined;
    this.command = back
      ? { command: "nixlima.reviewTask", title: "Review Task Branch", arguments: [this] }
      : { command: "nixlima.showTaskOutput", title: "Show Task Output", arguments: [this] };
  }
}

export class SandboxItem extends vscode.TreeItem {
  constructor(
    readonly vmName: string,
    readonly entry: AuditEntry | undefined,
  ) {
    super("Sandbox", entry && "audit" in entry ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.id = `sandbox:${vmName}`;
    if (!entry) {
      this.description = "checking…";
      this.iconPath = new vscode.ThemeIcon("loading~spin");
      this.contextValue = "sandbox+pending";
    } else if ("error" in entry) {
      // Never ticks for a VM nixlima could not read: what it can reach is unknown.
      this.description = "unknown";
      this.iconPath = new vscode.ThemeIcon("question");
      this.contextValue = "sandbox+error";
      this.tooltip = plainWords(entry.error);
    } else {
      const a = entry.audit;
      this.description = describeSandbox(a);
      this.contextValue = sandboxContext(a);
      this.iconPath = a.flagged
        ? new vscode.ThemeIcon("warning", new vscode.ThemeColor("list.warningForeground"))
        : new vscode.ThemeIcon(a.sandbox ? "shield" : "unlock");
      this.tooltip = a.summary;
    }
  }
}

export function sandboxChildren(item: SandboxItem): vscode.TreeItem[] {
  if (!item.entry || !("audit" in item.entry)) return [];
  return item.entry.audit.findings.map((f) => {
    const row = new vscode.TreeItem(f.title, vscode.TreeItemCollapsibleState.None);
    row.description = f.detail;
    const icon = findingIcon(f);
    row.iconPath = new vscode.ThemeIcon(icon, icon === "warning" ? new vscode.ThemeColor("list.warningForeground") : undefined);
    row.tooltip = f.fix ? `${f.detail}\n\nFix: ${f.fix}` : f.detail;
    row.contextValue = "detail+finding";
    return row;
  });
}
