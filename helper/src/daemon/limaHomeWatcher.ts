// Tells when the VM list may have changed, without polling: watches LIMA_HOME for instance
// folders coming and going, and each instance folder for the files whose presence is the
// instance's state (pid files, lima.yaml, protected). Log files, which change all the time
// while a VM runs, and plain files beside the instances are ignored, so nothing that is not a
// state change causes a refresh.
import { existsSync, readdirSync, statSync, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import { debounce, safeWatch, type Watcher } from "./fsWatch";

const STATE_FILES = /^(ha\.pid|ha\.sock|[a-z0-9-]+\.pid|lima\.yaml|protected)$/;


export function watchLimaHome(limaHome: string, onChange: () => void, debounceMs = 100): Watcher {
  const instances = new Map<string, FSWatcher>();
  let root: FSWatcher | undefined;
  let closed = false;
  const changed = debounce(onChange, debounceMs);
  const fire = changed.fire;

  const rescan = () => {
    if (closed) return;
    let names: string[];
    try {
      names = readdirSync(limaHome, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith("_") && !e.name.startsWith("."))
        .map((e) => e.name);
    } catch {
      names = [];
    }
    for (const [name, w] of instances) {
      if (!names.includes(name)) {
        w.close();
        instances.delete(name);
      }
    }
    for (const name of names) {
      if (instances.has(name)) continue;
      const w = safeWatch(join(limaHome, name), (file) => {
        if (file === null || STATE_FILES.test(file)) fire();
      });
      if (w) instances.set(name, w);
    }
  };

  const watchRoot = () => {
    if (closed) return;
    if (existsSync(limaHome)) {
      root = safeWatch(limaHome, (file) => {
        if (file !== null && !isInstanceEntry(join(limaHome, file), file)) return;
        rescan();
        fire();
      });
      rescan();
      return;
    }
    // LIMA_HOME does not exist until the first VM is made: wait for it in its parent.
    root = safeWatch(dirname(limaHome), (file) => {
      if (file === basename(limaHome) && existsSync(limaHome)) {
        root?.close();
        watchRoot();
        fire();
      }
    });
  };

  watchRoot();
  return {
    close() {
      closed = true;
      changed.cancel();
      root?.close();
      for (const w of instances.values()) w.close();
      instances.clear();
    },
  };
}

/** An instance folder, or one that just went away; `_config`, `_disks` and files are not. */
function isInstanceEntry(path: string, name: string): boolean {
  if (name.startsWith("_") || name.startsWith(".")) return false;
  try {
    return statSync(path).isDirectory();
  } catch {
    return true; // deleted: it may have been an instance
  }
}
