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

/**
 * A new name must differ from every existing VM's by more than letter case: macOS disks are
 * case-insensitive, so `Dev` and `dev` would be one folder in LIMA_HOME.
 */
export function checkNameIsFree(name: string, existing: readonly string[]): void {
  const same = existing.find((e) => e.toLowerCase() === name.toLowerCase());
  if (same === undefined) return;
  throw new NixlimaError(
    "already-exists",
    same === name
      ? `A VM named \`${name}\` already exists.`
      : `\`${name}\` differs from the existing VM \`${same}\` only in letter case, which macOS disks do not tell apart.`,
    "Choose another name, or delete the old VM first.",
  );
}

/** The host alias Lima gives an instance: `lima-NAME` with '.' and '_' turned into '-'. */
export function limaHostname(name: string): string {
  return `lima-${name.replace(/[._]/g, "-")}`;
}
