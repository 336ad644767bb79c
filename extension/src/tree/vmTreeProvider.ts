// The VM explorer: one row per Lima instance, with its state in the icon, the description and
// the contextValue (`vm+running`, `vm+stopped`, `vm+broken`, `vm+unknown`, `vm+busy`, with marks
// such as `+protected` and `+atlogin`: see vmContext) that the
// menus in package.json match; VMs named PREFIX-1, PREFIX-2, … sit under one fleet row. A VM's
// children: its running agent task, its Sandbox (the isolation audit) and the details a user
// asks for most.
import { homedir } from "node:os";
import * as vscode from "vscode";
import type { Job, TaskUsage, Vm } from "../../../helper/src/protocol";
import { taskUsage } from "../agents/agentFormat";
import { addUsages } from "../../../helper/src/shared/usageWords";
import type { VmStore } from "../vmStore";
import { FleetItem, SandboxItem, TaskItem, sandboxChildren } from "./agentItems";
import { groupFleets, type FleetGroup } from "../../../helper/src/shared/fleetMembers";
import { writesHome } from "../../../helper/src/shared/homeMounts";
import { describeVm, diskText, errorWords, formatBytes, sharedAliasNote, vmContext, vmState, type VmState } from "./format";

export class VmItem extends vscode.TreeItem {
  constructor(
    readonly vm: Vm,
    job: Job | undefined,
    task?: Job,
    aliasNote?: string,
  ) {
    super(vm.name, vscode.TreeItemCollapsibleState.Collapsed);
    const state = vmState(vm, job);
    this.id = `vm:${vm.name}`;
    this.description = aliasNote ? `${describeVm(vm, job, task)} · ${aliasNote}` : describeVm(vm, job, task);
    this.contextValue = vmContext(vm, job, task);
    this.iconPath = stateIcon(state);
    this.tooltip = tooltip(vm, job);
    if (aliasNote) this.tooltip.appendMarkdown(`\n\n$(warning) ${escape(aliasNote)}`);
  }
}

export class DetailItem extends vscode.TreeItem {
  constructor(label: string, description: string, icon: vscode.ThemeIcon, contextValue = "detail", tooltipText?: string) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = icon;
    this.contextValue = contextValue;
    if (tooltipText) this.tooltip = tooltipText;
  }
}

type Node = FleetItem | VmItem | TaskItem | SandboxItem | DetailItem;

export class VmTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  private readonly clock: NodeJS.Timeout;

  constructor(private readonly store: VmStore) {
    this.subscription = store.onDidChange(() => this.changeEmitter.fire(undefined));
    // "Running · 2 h" grows with time: redraw the rows once a minute (no limactl call).
    this.clock = setInterval(() => this.changeEmitter.fire(undefined), 60_000);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const creating = this.store.pendingCreates().map((p) => placeholder(p.name));
      const { fleets, loose } = groupFleets([...this.store.vms(), ...creating]);
      const fleetRows = fleets.map((f) => new FleetItem(f, this.store.fleetJob(f.prefix), this.fleetUsage(f)));
      return [...fleetRows, ...loose.map((vm) => this.vmItem(vm))].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    }
    if (node instanceof FleetItem) return node.fleet.members.map((vm) => this.vmItem(vm));
    if (node instanceof VmItem) {
      const task = this.store.runningTask(node.vm.name) ?? this.store.reviewableTask(node.vm.name);
      const sandbox = node.vm.dir ? [new SandboxItem(node.vm.name, this.store.audit(node.vm.name))] : [];
      return [...(task ? [new TaskItem(task)] : []), ...sandbox, ...details(node.vm)];
    }
    if (node instanceof SandboxItem) return sandboxChildren(node);
    return [];
  }

  /** A fleet's total: its members' latest tasks' usage added up. */
  private fleetUsage(f: FleetGroup): TaskUsage | undefined {
    const jobs = f.members.map((vm) => this.store.latestTask(vm.name)).filter((j) => j !== undefined);
    return addUsages(jobs.map(taskUsage).filter((u) => u !== undefined));
  }

  private vmItem(vm: Vm): VmItem {
    return new VmItem(vm, this.store.runningJob(vm.name), this.store.runningTask(vm.name), sharedAliasNote(vm, this.store.vms()));
  }

  dispose(): void {
    clearInterval(this.clock);
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function sortKey(n: Node): string {
  return n instanceof FleetItem ? n.fleet.prefix : n instanceof VmItem ? n.vm.name : "";
}

function placeholder(name: string): Vm {
  return { name, status: "Unknown", dir: "", hostname: "", mounts: [], portForwards: [], protected: false, errors: [] };
}

function stateIcon(state: VmState): vscode.ThemeIcon {
  switch (state) {
    case "running":
      return new vscode.ThemeIcon("vm-running", new vscode.ThemeColor("charts.green"));
    case "stopped":
      return new vscode.ThemeIcon("vm-outline");
    case "broken":
      return new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground"));
    case "unknown":
      return new vscode.ThemeIcon("question", new vscode.ThemeColor("charts.yellow"));
    case "busy":
      return new vscode.ThemeIcon("loading~spin");
  }
}
function details(vm: Vm): DetailItem[] {
  const items: DetailItem[] = [];
  for (const error of vm.errors) items.push(new DetailItem("Error", errorWords(error), new vscode.ThemeIcon("error"), "detail", error));
  if (vm.sshLocalPort !== undefined) {
    items.push(new DetailItem("SSH", `${vm.hostname} · 127.0.0.1:${vm.sshLocalPort}`, new vscode.ThemeIcon("remote")));
  }
  const home = homedir();
  for (const m of vm.mounts) {
    const risky = writesHome(m, home);
    items.push(
      new DetailItem(
        m.location,
        `→ ${m.mountPoint} · ${m.writable ? "writable" : "read-only"}`,
        risky ? new vscode.ThemeIcon("warning", new vscode.ThemeColor("list.warningForeground")) : new vscode.ThemeIcon("folder"),
        risky ? "detail+mount+home-writable" : "detail+mount",
        risky ? "The guest can change every file in your home folder." : undefined,
      ),
    );
  }
  for (const p of vm.portForwards) {
    if (p.ignore) continue;
    const guest = p.guestSocket ?? `${p.guestPort ?? "?"}`;
    const host = p.hostSocket ?? `${p.hostPort ?? p.guestPort ?? "?"}`;
    items.push(new DetailItem("Port", `guest ${guest} → host ${host}${p.proto ? ` (${p.proto})` : ""}`, new vscode.ThemeIcon("plug")));
  }
  if (vm.diskBytes !== undefined) items.push(new DetailItem("Disk", diskText(vm), new vscode.ThemeIcon("database")));
  if (vm.dir) items.push(new DetailItem("Directory", vm.dir, new vscode.ThemeIcon("folder-opened"), "detail+directory"));
  return items;
}

function tooltip(vm: Vm, job: Job | undefined): vscode.MarkdownString {
  const rows: [string, string | undefined][] = [
    ["Status", job ? `${vm.status} — ${job.request.kind}: ${job.progress.stage}` : vm.status],
    ["Type", vm.vmType],
    ["Architecture", vm.arch],
    ["CPUs", vm.cpus?.toString()],
    ["Memory", vm.memoryBytes !== undefined ? formatBytes(vm.memoryBytes) : undefined],
    ["Disk", vm.diskBytes !== undefined ? diskText(vm) : undefined],
    ["SSH", vm.sshLocalPort !== undefined ? `${vm.hostname} (127.0.0.1:${vm.sshLocalPort})` : vm.hostname],
    ["Guest user", vm.guestUser ? `${vm.guestUser}${vm.guestHome ? ` (${vm.guestHome})` : ""}` : undefined],
    ["Protected", vm.protected ? "yes" : undefined],
    ["Start at Login", vm.startsAtLogin ? "on" : undefined],
    ["Lima", vm.limaVersion],
    ["Directory", vm.dir],
  ];
  const md = new vscode.MarkdownString(`**${escape(vm.name)}**\n\n`);
  md.appendMarkdown("| | |\n|---|---|\n");
  for (const [k, v] of rows) if (v) md.appendMarkdown(`| ${k} | ${escape(v)} |\n`);
  for (const e of vm.errors) md.appendMarkdown(`\n$(error) ${escape(e)}\n`);
  md.supportThemeIcons = true;
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}
