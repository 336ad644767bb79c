// Does a host mount expose the user's home folder? A mount of the home folder itself or of any
// folder above it (`/`, `/home`, `/Users`) lets the guest read ~/.ssh, ~/.aws and the rest. One
// rule for the editor's consent, the helper's refusal at create, and the audit.
import { isAbsolute, resolve } from "node:path";

/** A mount location as Lima resolves it: `~` and `{{.Home}}` mean the host home folder. */
export function expandLocation(location: string, home: string): string {
  const t = location.replace(/^\{\{\s*\.Home\s*\}\}/, home);
  if (t === "~") return home;
  if (t.startsWith("~/")) return resolve(home, t.slice(2));
  return isAbsolute(t) ? resolve(t) : resolve(home, t);
}

export function exposesHome(location: string, home: string): boolean {
  const loc = expandLocation(location, home);
  const h = resolve(home);
  return loc === h || loc === "/" || h.startsWith(`${loc}/`);
}

/** A writable mount that exposes home: the guest can change everything the user owns. */
export function writesHome(mount: { location: string; writable: boolean }, home: string): boolean {
  return mount.writable && exposesHome(mount.location, home);
}

/**
 * Does a writable mount reach LIMA_HOME (it, or a folder above it)? Lima keeps there the
 * ssh.config that nixlima includes at the top of the user's ssh config, so a guest writing it
 * could make ssh on the host run its commands.
 */
export function coversLimaHome(mount: { location: string; writable: boolean }, limaHome: string, home: string): boolean {
  if (!mount.writable) return false;
  const loc = expandLocation(mount.location, home);
  const target = resolve(limaHome);
  return loc === target || loc === "/" || target.startsWith(`${loc}/`);
}
