// Fleets in the explorer: VMs named PREFIX-1, PREFIX-2, … under one row with counts. Pure, so the
// grouping is tested without VS Code. A lone `dev-1` stays a plain row: a fleet needs two VMs.
import type { Vm } from "../../../helper/src/protocol";

export interface FleetGroup {
  prefix: string;
  members: Vm[];
  running: number;
  stopped: number;
  broken: number;
}

const MEMBER = /^(.+)-(\d+)$/;

export function groupFleets(vms: Vm[]): { fleets: FleetGroup[]; loose: Vm[] } {
  const byPrefix = new Map<string, Vm[]>();
  for (const vm of vms) {
    const m = MEMBER.exec(vm.name);
    if (m) byPrefix.set(m[1]!, [...(byPrefix.get(m[1]!) ?? []), vm]);
  }
  const fleets: FleetGroup[] = [];
  for (const [prefix, members] of [...byPrefix].sort(([a], [b]) => a.localeCompare(b))) {
    if (members.length < 2) continue;
    members.sort((a, b) => index(a.name) - index(b.name));
    fleets.push({
      prefix,
      members,
      running: members.filter((v) => v.status === "Running").length,
      stopped: members.filter((v) => v.status === "Stopped").length,
      // A VM still being created (no instance folder yet) is not broken.
      broken: members.filter((v) => v.dir !== "" && (v.status === "Broken" || v.status === "Unknown")).length,
    });
  }
  const grouped = new Set(fleets.flatMap((f) => f.members.map((v) => v.name)));
  return { fleets, loose: vms.filter((v) => !grouped.has(v.name)) };
}

function index(name: string): number {
  return Number(MEMBER.exec(name)?.[2] ?? 0);
}

/** `3 running · 1 stopped · 0 broken` */
export function describeFleet(f: FleetGroup): string {
  return `${f.running} running · ${f.stopped} stopped · ${f.broken} broken`;
}
