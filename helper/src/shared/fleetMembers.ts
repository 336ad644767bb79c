// A fleet is the VMs named PREFIX-1 … PREFIX-N; nothing else marks them, so a fleet made by hand
// (`limactl create --name web-3`) is a fleet too.
import { NixlimaError } from "../errors";
import { checkVmName } from "./vmNames";
import type { Fleet, Vm } from "../protocol";

const MEMBER_RE = /^(.+)-(\d+)$/;

/** PREFIX-1 … PREFIX-count, each checked against Lima's name rule before anything runs. */
export function fleetNames(prefix: string, count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new NixlimaError("usage", "--count must be a whole number, 1 or more.");
  checkVmName(prefix);
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  checkVmName(names.at(-1)!);
  return names;
}

/** PREFIX and N of a VM named PREFIX-N; undefined for any other name. */
export function memberOf(name: string): { prefix: string; index: number } | undefined {
  const m = MEMBER_RE.exec(name);
  return m ? { prefix: m[1]!, index: Number(m[2]) } : undefined;
}

/** The VMs of one fleet, in index order. */
export function fleetMembers(vms: Vm[], prefix: string): Vm[] {
  return vms
    .filter((vm) => memberOf(vm.name)?.prefix === prefix)
    .sort((a, b) => memberOf(a.name)!.index - memberOf(b.name)!.index);
}

export interface FleetGroup {
  prefix: string;
  members: Vm[];
  running: number;
  stopped: number;
  broken: number;
}

/**
 * The fleets among the VMs, as the explorer and `nixlima fleet list` both show them: two or more
 * VMs named PREFIX-N (a lone `dev-1` is a VM that happens to end in a number), with counts by
 * state; the rest are `loose`. Acting on a fleet by its prefix still reaches every PREFIX-N.
 */
export function groupFleets(vms: Vm[]): { fleets: FleetGroup[]; loose: Vm[] } {
  const prefixes = [...new Set(vms.flatMap((vm) => memberOf(vm.name)?.prefix ?? []))].sort((a, b) => a.localeCompare(b));
  const fleets = prefixes.flatMap((prefix) => {
    const members = fleetMembers(vms, prefix);
    if (members.length < 2) return [];
    const count = (pick: (vm: Vm) => boolean) => members.filter(pick).length;
    // A VM still being created (no instance folder yet) is not broken.
    const broken = count((vm) => vm.dir !== "" && (vm.status === "Broken" || vm.status === "Unknown"));
    return [{ prefix, members, running: count((vm) => vm.status === "Running"), stopped: count((vm) => vm.status === "Stopped"), broken }];
  });
  const grouped = new Set(fleets.flatMap((f) => f.members.map((v) => v.name)));
  return { fleets, loose: vms.filter((v) => !grouped.has(v.name)) };
}

/** A fleet as the protocol and the CLI's JSON carry it. */
export function fleetSummary({ members, ...counts }: FleetGroup): Fleet {
  return { ...counts, vms: members.map((vm) => vm.name) };
}
