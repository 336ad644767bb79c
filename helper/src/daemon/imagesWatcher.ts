// Tells when the built images in LIMA_HOME/_images may have changed, without polling: watches
// that folder, or while it does not exist yet, the nearest parent it will appear in.
import { existsSync, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IMAGES_DIR } from "../nix/images";
import { debounce, safeWatch, type Watcher } from "./fsWatch";

export function watchImages(limaHome: string, onChange: () => void, debounceMs = 150): Watcher {
  const dir = join(limaHome, IMAGES_DIR);
  let current: FSWatcher | undefined;
  let closed = false;
  const changed = debounce(onChange, debounceMs);
  const fire = changed.fire;
  // A watch that fails (the folder went away) is set up again for whatever exists now.
  const watchOrRearm = (path: string, listener: (file: string | null) => void) => safeWatch(path, listener, () => arm());

  // Watch _images itself, else wait for it (or for LIMA_HOME) to be made, then watch again.
  const arm = () => {
    current?.close();
    current = undefined;
    if (closed) return;
    if (existsSync(dir)) {
      current = watchOrRearm(dir, () => {
        if (!existsSync(dir)) arm();
        fire();
      });
      return;
    }
    const parent = existsSync(limaHome) ? limaHome : dirname(limaHome);
    const awaited = existsSync(limaHome) ? IMAGES_DIR : basename(limaHome);
    current = watchOrRearm(parent, (file) => {
      if (file !== null && file !== awaited) return;
      if (existsSync(join(parent, awaited))) {
        arm();
        fire();
      }
    });
  };

  arm();
  return {
    close() {
      closed = true;
      changed.cancel();
      current?.close();
    },
  };
}
