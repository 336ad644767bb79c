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

/** Every fleet among the VMs, with counts by state; VMs not named PREFIX-N belong to none. */
export function groupFleets(vms: Vm[]): Fleet[] {
  const prefixes = [...new Set(vms.flatMap((vm) => memberOf(vm.name)?.prefix ?? []))].sort();
  return prefixes.map((prefix) => {
    const members = fleetMembers(vms, prefix);
    return {
      prefix,
      vms: members.map((vm) => vm.name),
      running: members.filter((vm) => vm.status === "Running").length,
      stopped: members.filter((vm) => vm.status === "Stopped").length,
      broken: members.filter((vm) => vm.status === "Broken" || vm.status === "Unknown").length,
    };
  });
}
