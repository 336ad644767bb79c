// Hardware virtualization: Apple's Virtualization framework (vz) on macOS 13.5+, KVM on Linux.
// Without it Lima still works, but QEMU emulates the CPU in software, many times slower.
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import type { DoctorCheck } from "../protocol";
import { firstLine } from "./run";

/** vz is Lima's default from macOS 13.5 on. */
export function vzAvailable(productVersion: string): boolean {
  const [major = 0, minor = 0] = productVersion.split(".").map(Number);
  return major > 13 || (major === 13 && minor >= 5);
}

export async function virtualizationCheck(platform: NodeJS.Platform = process.platform, kvmPath = "/dev/kvm"): Promise<DoctorCheck> {
  if (platform === "darwin") {
    const version = (await firstLine("sw_vers", ["-productVersion"])) ?? "unknown";
    const ok = vzAvailable(version);
    return {
      id: "virtualization",
      title: "Apple Virtualization (vz)",
      ok,
      optional: true,
      detail: ok ? `macOS ${version}: Lima uses vz.` : `macOS ${version} is older than 13.5, so Lima falls back to QEMU.`,
      ...(ok ? {} : { fix: "Update macOS to 13.5 or newer for vz, or install QEMU (brew install qemu)." }),
    };
  }
  try {
    await access(kvmPath, constants.R_OK | constants.W_OK);
    return { id: "virtualization", title: "KVM", ok: true, optional: true, detail: `${kvmPath} is usable: QEMU runs guests at native speed.` };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    return {
      id: "virtualization",
      title: "KVM",
      ok: false,
      optional: true,
      detail: missing ? `${kvmPath} does not exist, so QEMU emulates the CPU in software (slow).` : `You cannot open ${kvmPath}, so QEMU emulates the CPU in software (slow).`,
      fix: missing
        ? "Enable virtualization in the firmware settings or the hypervisor, and load the kvm module."
        : "Add yourself to the kvm group (sudo usermod -aG kvm $USER), then log in again.",
    };
  }
}
