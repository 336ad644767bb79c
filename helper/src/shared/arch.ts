// The one mapping between this machine's CPU (Node's process.arch: `arm64`, `x64`), Lima's
// guest arch (`aarch64`, `x86_64`) and Nix's system names (`aarch64-linux`), so a VM, an image
// and a build always agree on what runs natively here.
import { NixlimaError } from "../errors";

export type GuestArch = "aarch64" | "x86_64";
export type HostLinuxSystem = `${GuestArch}-linux`;

/** `arm64` → `aarch64`; anything else → `x86_64` (the only other host nixlima runs on). */
export function hostArch(nodeArch: string = process.arch): GuestArch {
  return nodeArch === "arm64" ? "aarch64" : "x86_64";
}

/** The guest system matching this machine, so the VM runs natively. */
export function hostLinuxSystem(nodeArch: string = process.arch): HostLinuxSystem {
  return `${hostArch(nodeArch)}-linux`;
}

/** `aarch64-linux` → `aarch64`. */
export function archOfSystem(system: string): GuestArch {
  if (system === "aarch64-linux") return "aarch64";
  if (system === "x86_64-linux") return "x86_64";
  throw new NixlimaError("usage", `"${system}" is not a system nixlima builds images for: use aarch64-linux or x86_64-linux.`);
}
