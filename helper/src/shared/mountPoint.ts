// Where a host folder appears in the guest. Lima mounts a folder at its own host path unless a
// template sets `mountPoint`, but a path with a space (or a comma, colon, quote, bracket…) never
// mounts on a cloud-init guest: Lima writes it unquoted into its user-data YAML and cloud-init
// writes it into /etc/fstab as two fields. Such a folder gets a mount point of its own, with
// each run of those characters written as "-", so it mounts whatever the guest's init.
// Pure: the extension uses movedMountNotes to tell people where their folder went.

/** Letters and digits of any script, and the punctuation YAML and fstab both take as is. */
const UNSAFE = /[^\p{L}\p{N}._+@=~/-]+/gu;

/** Whether a guest path reaches /etc/fstab intact through Lima's user-data. */
export function isSafeMountPoint(path: string): boolean {
  return !new RegExp(UNSAFE.source, "u").test(path);
}

/**
 * The mount point for a folder at host path `location` (absolute), or undefined when the path
 * itself works. `taken` holds the other mounts' guest paths; a clash gets "-2", "-3"… so two
 * folders never share a mount point (Lima would merge them).
 */
export function safeMountPoint(location: string, taken: ReadonlySet<string>): string | undefined {
  if (isSafeMountPoint(location)) return undefined;
  const base = location.replace(UNSAFE, "-");
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * One sentence per mounted folder that nixlima moved off its own path, e.g. "The folder
 * /Users/me/My Projects/app is at /Users/me/My-Projects/app in the VM (…)."
 */
export function movedMountNotes(mounts: readonly { location: string; mountPoint: string }[]): string[] {
  return mounts
    .filter((m) => !isSafeMountPoint(m.location) && m.mountPoint !== m.location)
    .map((m) => `The folder ${m.location} is at ${m.mountPoint} in the VM: Lima cannot mount a path with a space, comma or colon as it is.`);
}
