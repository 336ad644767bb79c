// Which flake references nixlima passes on to Nix inside a VM: checked by the CLI, the helper
// and the Rebuild VM input box alike.
import { NixlimaError } from "../errors";

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
