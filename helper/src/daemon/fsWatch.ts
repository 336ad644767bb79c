// What the helper's folder watchers share: a watch that never throws (the folder may vanish
// between listing and watching; its parent's event then rescans), and a debounce so a burst of
// file events makes one refresh.
import { watch, type FSWatcher } from "node:fs";

export interface Watcher {
  close(): void;
}

export function safeWatch(path: string, listener: (file: string | null) => void, onError: (w: FSWatcher) => void = (w) => w.close()): FSWatcher | undefined {
  try {
    const w = watch(path, { persistent: false }, (_event, file) => listener(file));
    w.on("error", () => onError(w));
    return w;
  } catch {
    return undefined;
  }
}

export function debounce(fn: () => void, ms: number): { fire(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    fire() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    cancel() {
      if (timer) clearTimeout(timer);
    },
  };
}
