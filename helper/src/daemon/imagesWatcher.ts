// Tells when the built images in LIMA_HOME/_images may have changed, without polling: watches
// that folder, or while it does not exist yet, the nearest parent it will appear in.
import { existsSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import { IMAGES_DIR } from "../nix/images";
import type { Watcher } from "./limaHomeWatcher";

export function watchImages(limaHome: string, onChange: () => void, debounceMs = 150): Watcher {
  const dir = join(limaHome, IMAGES_DIR);
  let current: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };

  const safeWatch = (path: string, listener: (file: string | null) => void): FSWatcher | undefined => {
    try {
      const w = watch(path, { persistent: false }, (_event, file) => listener(file));
      w.on("error", () => arm());
      return w;
    } catch {
      return undefined;
    }
  };

  // Watch _images itself, else wait for it (or for LIMA_HOME) to be made, then watch again.
  const arm = () => {
    current?.close();
    current = undefined;
    if (closed) return;
    if (existsSync(dir)) {
      current = safeWatch(dir, () => {
        if (!existsSync(dir)) arm();
        fire();
      });
      return;
    }
    const parent = existsSync(limaHome) ? limaHome : dirname(limaHome);
    const awaited = existsSync(limaHome) ? IMAGES_DIR : basename(limaHome);
    current = safeWatch(parent, (file) => {
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
      if (timer) clearTimeout(timer);
      current?.close();
    },
  };
}
