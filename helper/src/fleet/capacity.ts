// How many VMs of a fleet fit on this host, and how many to create and start at once.
import { availableParallelism, freemem, totalmem } from "node:os";
import { NixlimaError } from "../errors";

export interface HostResources {
  cpus: number;
  totalMemBytes: number;
  freeMemBytes: number;
}

export function hostResources(): HostResources {
  return { cpus: availableParallelism(), totalMemBytes: totalmem(), freeMemBytes: freemem() };
}

const GiB = 1024 ** 3;

/** Refuses a fleet whose VMs could never all run at once: their memory exceeds the host's. */
export function checkFleetFits(count: number, vmMemBytes: number, host: HostResources): void {
  const need = count * vmMemBytes;
  if (need > host.totalMemBytes) {
    const fit = Math.floor(host.totalMemBytes / vmMemBytes);
    throw new NixlimaError(
      "failed",
      `${count} VMs of ${fmt(vmMemBytes)} need ${fmt(need)} of memory, more than this host's ${fmt(host.totalMemBytes)}.`,
      fit > 0 ? `Create at most ${fit} VMs of this size, or choose a lighter preset.` : "Choose a lighter preset.",
    );
  }
}

/**
 * Booting is CPU-bound (firmware, kernel, cloud-init) and each booted VM holds its memory: one
 * VM per host CPU at a time, no more than free memory holds, at least one.
 */
export function defaultConcurrency(count: number, vmMemBytes: number, host: HostResources): number {
  const byMemory = Math.floor(host.freeMemBytes / Math.max(vmMemBytes, 1));
  return Math.max(1, Math.min(count, host.cpus, byMemory));
}

function fmt(bytes: number): string {
  return `${+(bytes / GiB).toFixed(1)} GiB`;
}
