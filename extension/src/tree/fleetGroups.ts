// Fleets in the explorer: VMs named PREFIX-1, PREFIX-2, … under one row with counts. Pure, so the
// grouping is tested without VS Code. Membership is the helper's (fleet/members.ts); only the
// explorer's rule is its own: a lone `dev-1` stays a plain row, a fleet row needs two VMs.
import { fleetMembers, memberOf } from "../../../helper/src/shared/fleetMembers";
import type { Vm } from "../../../helper/src/protocol";

export interface FleetGroup {
  prefix: string;
  members: Vm[];
  running: number;
  stopped: number;
  broken: number;
}

export function groupFleets(vms: Vm[]): { fleets: FleetGroup[]; loose: Vm[] } {
  const prefixes = [...new Set(vms.flatMap((vm) => memberOf(vm.name)?.prefix ?? []))].sort((a, b) => a.localeCompare(b));
  const fleets: FleetGroup[] = [];
  for (const prefix of prefixes) {
    const members = fleetMembers(vms, prefix);
    if (members.length < 2) continue;
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

/** `3 running · 1 stopped · 0 broken` */
export function describeFleet(f: FleetGroup): string {
  return `${f.running} running · ${f.stopped} stopped · ${f.broken} broken`;
}
