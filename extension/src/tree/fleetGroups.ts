// How the explorer words a fleet. Which VMs make a fleet is the shared rule (shared/fleetMembers.ts).
import type { FleetGroup } from "../../../helper/src/shared/fleetMembers";

/** `3 running · 1 stopped · 0 broken` */
export function describeFleet(f: FleetGroup): string {
  return `${f.running} running · ${f.stopped} stopped · ${f.broken} broken`;
}
