// A throw-away Nix for tests: its own store, state, log and config under /tmp, no daemon, no
// sandbox and no substituters, so Debian's nix-bin builds as root and as an unprivileged user.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";

export const fixtures = join(import.meta.dirname, "fixtures");

export interface TempNix {
  dir: string;
  confFile: string;
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** `extraConf` lines are appended to the nix.conf (e.g. `builders = …`). */
export function tempNix(extraConf: string[] = []): TempNix {
  const dir = mkdtempSync("/tmp/nlnix-");
  mkdirSync(join(dir, "conf"));
  const confFile = join(dir, "conf", "nix.conf");
  writeFileSync(
    confFile,
    ["sandbox = false", "substituters =", "build-users-group =", "experimental-features = nix-command flakes", ...extraConf, ""].join("\n"),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NIX_CONF_DIR: join(dir, "conf"),
    NIX_USER_CONF_FILES: confFile,
    XDG_CACHE_HOME: join(dir, "cache"),
    NIX_STORE_DIR: join(dir, "store"),
    NIX_STATE_DIR: join(dir, "var"),
    NIX_LOG_DIR: join(dir, "log"),
  };
  return {
    dir,
    confFile,
    env,
    dispose() {
      // Store paths are read-only; make them deletable first.
      execaSync("chmod", ["-R", "u+w", dir], { reject: false });
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    },
  };
}
