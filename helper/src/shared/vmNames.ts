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
 * A new name must differ from every existing VM's by more than letter case (macOS disks are
 * case-insensitive, so `Dev` and `dev` would be one folder in LIMA_HOME), and must not share
 * an existing VM's ssh alias.
 */
export function checkNameIsFree(name: string, existing: readonly string[]): void {
  const same = existing.find((e) => e.toLowerCase() === name.toLowerCase());
  if (same === undefined) return checkAliasFree(name, existing);
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

/** What two names collide on: Lima's alias, compared as OpenSSH compares host names (any case). */
function aliasKey(name: string): string {
  return limaHostname(name).toLowerCase();
}

/** The other VMs among `names` that answer to the same ssh host alias as `name`. */
export function aliasTwins(name: string, names: readonly string[]): string[] {
  return names.filter((other) => other !== name && aliasKey(other) === aliasKey(name));
}

/** Refuses a new VM name whose ssh alias an existing VM already has: `ssh lima-…` would reach either. */
export function checkAliasFree(name: string, existing: readonly string[]): void {
  const twin = aliasTwins(name, existing)[0];
  if (twin === undefined) return;
  throw new NixlimaError(
    "already-exists",
    `The name ${JSON.stringify(name)} would share the ssh host ${limaHostname(name)} with the VM ${JSON.stringify(twin)} (Lima writes '.' and '_' as '-', and ssh ignores case), so ssh could reach the wrong VM.`,
    "Choose a name that differs in more than '.', '_', '-' or case.",
  );
}
