// Where a helper for one configuration listens. Every window with the same settings (and the
// same nixlima version) reaches the same helper, so they share jobs; a private 0700 folder keeps
// other users out; the path stays short because unix socket paths are limited to ~104 bytes.
import { createHash } from "node:crypto";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { HelperConfig } from "../protocol";

export function helperDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, "nixlima") : join(tmpdir(), `nixlima-${userInfo().uid}`);
}

export function helperSocketPath(config: HelperConfig, version: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = JSON.stringify([
    version,
    config.limactlPath ?? "",
    config.limaHome ?? env.LIMA_HOME ?? "",
    config.sshConfigFile ?? "",
    config.manageSshConfig === true,
  ]);
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 12);
  return join(helperDir(env), `h-${hash}.sock`);
}
