// Flake references: which flake images are built from (the one the user configured, else the
// flake shipped beside the helper: dist/helper.js → ../nix; helper/src/main.ts → ../../nix),
// and which references nixlima passes on to Nix inside a VM. Small, so the extension can use it.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { NixlimaError } from "../errors";

/** `configured` (a setting or --flake), else NIXLIMA_FLAKE, else the bundled `nix/` as a `path:` flake. */
export function flakeRef(configured: string | undefined, env: NodeJS.ProcessEnv = process.env, script = process.argv[1]): string {
  if (configured && configured.trim() !== "") return configured.trim();
  if (env.NIXLIMA_FLAKE) return env.NIXLIMA_FLAKE;
  const dir = dirname(resolve(script ?? "."));
  const found = [join(dir, "..", "nix"), join(dir, "..", "..", "nix")].find((d) => existsSync(join(d, "flake.nix")));
  if (!found) throw new NixlimaError("not-found", "nixlima's bundled flake was not found next to the helper; set `nixlima.flake` (or NIXLIMA_FLAKE) to your flake.");
  // path: copies the folder as it is, without git's rules about untracked files.
  return `path:${found}`;
}

/** The guest system matching this machine, so the VM runs natively. */
export function hostLinuxSystem(arch: string = process.arch): "aarch64-linux" | "x86_64-linux" {
  return arch === "arm64" ? "aarch64-linux" : "x86_64-linux";
}

// Characters of flake references (paths, `github:o/r?ref=x#name`); no spaces, quotes or `$`,
// and no leading `-`, which nixos-rebuild would read as an option.
const FLAKE_REF = /^[A-Za-z0-9_./:+~@%=?&#,-]+$/;

/** Throws unless `ref` is a flake reference nixlima passes on. */
export function checkFlakeRef(ref: string): void {
  if (ref.length === 0 || ref.length > 1000 || ref.startsWith("-") || !FLAKE_REF.test(ref)) {
    throw new NixlimaError(
      "usage",
      `"${ref}" is not a flake reference nixlima can pass on: use a path or URL with an optional #configuration, e.g. /home/me/project#dev-aarch64.`,
    );
  }
}
