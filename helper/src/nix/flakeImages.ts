// The images a flake can build: every `packages.SYSTEM.NAME-image`, read with `nix eval` of the
// attribute names only, so nothing is built and no derivation is evaluated.
import { execa } from "execa";
import { NixlimaError } from "../errors";
import type { FlakeImage } from "../protocol";
import { stripAnsi } from "./internalJson";

const LINUX = new Set(["aarch64-linux", "x86_64-linux"]);
const EVAL_TIMEOUT_MS = 5 * 60_000;

export interface FlakeImagesOptions {
  flake: string;
  nix?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** `{ "x86_64-linux": ["dev-image", "agent-container"], … }` → images with their systems, by name. */
export function imagesFromPackageNames(names: Record<string, unknown>): FlakeImage[] {
  const systems = new Map<string, string[]>();
  for (const [system, attrs] of Object.entries(names)) {
    if (!LINUX.has(system) || !Array.isArray(attrs)) continue;
    for (const attr of attrs) {
      const m = typeof attr === "string" ? /^(.+)-image$/.exec(attr) : null;
      if (m) systems.set(m[1]!, [...(systems.get(m[1]!) ?? []), system]);
    }
  }
  return [...systems].map(([image, s]) => ({ image, systems: s.sort() })).sort((a, b) => a.image.localeCompare(b.image));
}

export async function listFlakeImages(options: FlakeImagesOptions): Promise<FlakeImage[]> {
  const nix = options.nix ?? "nix";
  const args = [
    "--extra-experimental-features",
    "nix-command flakes",
    "eval",
    "--json",
    `${options.flake}#packages`,
    "--apply",
    "builtins.mapAttrs (system: packages: builtins.attrNames packages)",
  ];
  const result = await execa(nix, args, {
    env: options.env,
    reject: false,
    stdin: "ignore",
    timeout: EVAL_TIMEOUT_MS,
    cancelSignal: options.signal,
  });
  if ((result as { code?: string }).code === "ENOENT") {
    throw new NixlimaError("not-found", "Nix is not installed or not on PATH: install it from https://nixos.org/download to build images.");
  }
  if (result.isCanceled) throw new NixlimaError("cancelled", "Reading the flake's images was cancelled.");
  if (result.exitCode !== 0) {
    throw new NixlimaError(
      "failed",
      `Nix cannot evaluate the flake ${options.flake}: ${firstError(String(result.stderr))}.`,
      "Check the `nixlima.flake` setting (or --flake), and that its inputs can be fetched.",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(result.stdout));
  } catch {
    throw new NixlimaError("failed", `\`nix eval\` of ${options.flake} printed no JSON; run it by hand to see why.`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new NixlimaError("failed", `The flake ${options.flake} has no packages.`);
  return imagesFromPackageNames(parsed as Record<string, unknown>);
}

/** The first line of Nix's error, without its `error:` prefix, colours or trailing dot. */
export function firstError(stderr: string): string {
  const lines = stripAnsi(stderr)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("warning:"));
  const error = lines.find((l) => l.startsWith("error:")) ?? lines[0] ?? "no error message";
  const text = error.replace(/^error:\s*/, "");
  // Newer Nix puts the reason on the lines after a bare "error:" and "… while …" trace lines.
  const reason = text === "" ? (lines.slice(lines.indexOf(error) + 1).find((l) => !l.startsWith("…")) ?? "") : text;
  return reason.replace(/^error:\s*/, "").replace(/\.$/, "");
}
