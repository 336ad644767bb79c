// Deleting a built image from LIMA_HOME/_images. The `…-latest.qcow2` symlink never dangles:
// when its image goes, it moves to the newest image left of the same name and arch, or goes too.
import { rename, rm, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { NixlimaError } from "../errors";
import { IMAGES_DIR, listImages, type StoredImage } from "./images";

/** Deletes the image at `path` (one that listImages returns); returns the images left. */
export async function deleteImage(limaHome: string, path: string): Promise<StoredImage[]> {
  const before = await listImages(limaHome);
  const doomed = before.find((i) => i.path === path);
  if (!doomed) {
    throw new NixlimaError("not-found", `${path} is not one of nixlima's built images; refresh the Images view and try again.`);
  }
  await rm(doomed.path);
  if (doomed.latest) {
    const dir = join(limaHome, IMAGES_DIR);
    const latest = join(dir, `nixlima-${doomed.image}-${doomed.arch}-latest.qcow2`);
    // The newest one left of this name and arch (by the date in its name, then by time) is the new latest.
    const next = before
      .filter((i) => i !== doomed && i.image === doomed.image && i.arch === doomed.arch)
      .sort((a, b) => b.date.localeCompare(a.date) || b.modifiedAt - a.modifiedAt)[0];
    if (next) {
      const tmp = join(dir, `.${basename(latest)}.${process.pid}.tmp`);
      await rm(tmp, { force: true });
      await symlink(basename(next.path), tmp);
      await rename(tmp, latest);
    } else {
      await rm(latest, { force: true });
    }
  }
  return listImages(limaHome);
}
