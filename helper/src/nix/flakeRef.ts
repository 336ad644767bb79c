// Which flake images are built from: the one the user configured, else the flake shipped beside
// the helper (dist/helper.js → ../nix; helper/src/main.ts → ../../nix).
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { NixlimaError } from "../errors";

/** `configured` (a setting or --flake), else NIXLIMA_FLAKE, else the bundled `nix/` as a `path:` flake. */
export function flakeRef(configured: string | undefined, env: NodeJS.ProcessEnv = process.env, script = process.argv[1]): string {
  if (configured && configured.trim() !== "") return configured.trim();
  if (env.NIXLIMA_FLAKE) return env.NIXLIMA_FLAKE;
  const dir = dirname(resolve(script ?? "."));
  const found = [join(dir, "..", "nix"), join(dir, "..", "..", "nix")].find((d) => existsSync(join(d, "flake.nix")));
  if (!found) throw new NixlimaError("not-found", "nixlima's bundled flake was not found next to the helper; set `nixlima.flake` (or NIXLIMA_FLAKE) to your flake.");
  // path: copies the folder as it is, without git's rules about untracked files.
  return `path:${found}`;
}
