// Lima's rule for instance names (pkg/identifiers + dirnames.ValidateInstName), checked before any
// process starts so a typo never reaches limactl (`limactl start typo` would create a new VM).
import { NixlimaError } from "../errors";

const NAME_RE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 76;

export function checkVmName(name: string): void {
  const shown = JSON.stringify(name);
  const fix = "Use letters and digits, optionally joined by single '.', '_' or '-' (for example my-vm).";
  if (name.length === 0) throw new NixlimaError("invalid-name", "The VM name is empty.", fix);
  if (name.length > MAX_NAME_LENGTH) {
    throw new NixlimaError(
      "invalid-name",
      `The VM name ${shown} is ${name.length} characters long; Lima allows at most ${MAX_NAME_LENGTH}.`,
      "Choose a shorter name.",
    );
  }
  if (!NAME_RE.test(name)) {
    throw new NixlimaError("invalid-name", `${shown} is not a valid VM name.`, fix);
  }
  if (/\.ya?ml$/i.test(name)) {
    throw new NixlimaError(
      "invalid-name",
      `${shown} is not a valid VM name: Lima reads names ending in .yml or .yaml as template files.`,
      "Drop the .yml/.yaml ending.",
    );
  }
}

/** The host alias Lima gives an instance: `lima-NAME` with '.' and '_' turned into '-'. */
export function limaHostname(name: string): string {
  return `lima-${name.replace(/[._]/g, "-")}`;
}
