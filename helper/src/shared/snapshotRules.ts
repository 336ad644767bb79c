// The pure rules about snapshots, shared with the extension: which VMs have them, and valid names.
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";

const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const VZ_NO_SNAPSHOTS =
  "Snapshots are for QEMU VMs only: Lima cannot save or restore a VZ VM, because Apple's Virtualization framework offers no disk snapshots.";

export function checkSnapshotTag(tag: string): void {
  if (!TAG_RE.test(tag)) {
    throw new NixlimaError(
      "usage",
      `${JSON.stringify(tag)} is not a valid snapshot name.`,
      "Use up to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (for example before-task).",
    );
  }
}

/** Whether Lima offers snapshots for this VM. */
export function snapshotsSupported(vm: Vm): boolean {
  return vm.vmType !== "vz";
}
