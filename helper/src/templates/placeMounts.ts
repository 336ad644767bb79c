// Gives every mount of a template that Lima would place at a path the guest cannot mount (see
// mountPoint.ts) a mount point of its own: the template's mounts without `mountPoint`, and the
// folders nixlima adds. The template's own `mountPoint`s are kept as written.
import { isMap, isSeq, type Document, type YAMLMap } from "yaml";
import { safeMountPoint } from "../shared/mountPoint";

export interface MountToAdd {
  location: string;
  writable: boolean;
  mountPoint?: string;
}

/** Lima's expansion of a location that starts with `~`; undefined for a templated one (`{{…}}`). */
function hostPath(location: string, home: string): string | undefined {
  if (location.includes("{{")) return undefined;
  if (location === "~") return home;
  return location.startsWith("~/") ? `${home}/${location.slice(2)}` : location;
}

/**
 * Sets `mountPoint` on the template's mounts that need one (mutating `doc`), and returns the
 * added mounts, each with a `mountPoint` where its own path would not mount.
 */
export function placeMounts(doc: Document, added: readonly MountToAdd[], home: string): MountToAdd[] {
  const seq = doc.get("mounts", true);
  const items = isSeq(seq) ? seq.items.filter((i): i is YAMLMap => isMap(i)) : [];
  const taken = new Set<string>();
  const unplaced: { item: YAMLMap; path: string }[] = [];
  for (const item of items) {
    const mountPoint = item.get("mountPoint");
    const path = typeof item.get("location") === "string" ? hostPath(item.get("location") as string, home) : undefined;
    if (typeof mountPoint === "string") taken.add(mountPoint);
    else if (path !== undefined) {
      taken.add(path);
      unplaced.push({ item, path });
    }
  }
  for (const m of added) taken.add(m.location);
  const place = (path: string): string | undefined => {
    const mountPoint = safeMountPoint(path, taken);
    if (mountPoint !== undefined) taken.add(mountPoint);
    return mountPoint;
  };
  for (const { item, path } of unplaced) {
    const mountPoint = place(path);
    if (mountPoint !== undefined) item.set("mountPoint", mountPoint);
  }
  return added.map((m) => {
    const mountPoint = m.mountPoint ?? place(m.location);
    return mountPoint === undefined ? m : { ...m, mountPoint };
  });
}
