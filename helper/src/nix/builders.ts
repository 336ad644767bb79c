// Which systems this machine's Nix can build, and on which builders: the local system (plus
// extra-platforms), remote machines from `builders` (inline or `@file`, as Nix reads them),
// and `external-builders` (Nix ≥ 2.32, Determinate's native Linux builder).
import { readFile } from "node:fs/promises";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import { hostLinuxSystem } from "../shared/arch";
import { missingBuilderMessage } from "./missingBuilder";

export interface Machine {
  uri: string;
  systems: string[];
  sshKey?: string;
  maxJobs: number;
  speedFactor: number;
  supportedFeatures: string[];
  mandatoryFeatures: string[];
}

export interface ExternalBuilder {
  systems: string[];
  program: string;
}

export interface NixBuilders {
  system: string;
  extraPlatforms: string[];
  systemFeatures: string[];
  /** 0 means Nix never builds locally. */
  maxJobs: number;
  machines: Machine[];
  externalBuilders: ExternalBuilder[];
}

function list(value: string | undefined): string[] {
  if (value === undefined || value === "-" || value === "") return [];
  return value.split(",").filter((s) => s !== "");
}

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === "-" ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Parses a `builders` value or a machines file: entries separated by newlines or `;`,
 * fields URI, systems, ssh key, max jobs, speed factor, supported features, mandatory
 * features, host key (`-` = default); `@path` entries are read (a missing file is skipped,
 * as Nix does).
 */
export async function parseMachines(text: string, read: (path: string) => Promise<string> = readText): Promise<Machine[]> {
  const machines: Machine[] = [];
  for (const rawEntry of text.split(/[\n;]/)) {
    const entry = rawEntry.replace(/#.*$/, "").trim();
    if (entry === "") continue;
    if (entry.startsWith("@")) {
      const content = await read(entry.slice(1)).catch(() => "");
      machines.push(...(await parseMachines(content, read)));
      continue;
    }
    const f = entry.split(/\s+/);
    const uri = f[0] as string;
    machines.push({
      uri,
      systems: list(f[1]),
      ...(f[2] && f[2] !== "-" ? { sshKey: f[2] } : {}),
      maxJobs: int(f[3], 1),
      speedFactor: int(f[4], 1),
      supportedFeatures: list(f[5]),
      mandatoryFeatures: list(f[6]),
    });
  }
  return machines;
}

async function readText(path: string): Promise<string> {
  return readFile(path, "utf8");
}

/** `external-builders` is JSON: [{ "systems": [...], "program": "...", "args": [...] }]. */
export function parseExternalBuilders(value: unknown): ExternalBuilder[] {
  let parsed = value;
  if (typeof value === "string") {
    if (value.trim() === "") return [];
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((b: unknown) => {
    if (typeof b !== "object" || b === null) return [];
    const o = b as Record<string, unknown>;
    const systems = Array.isArray(o.systems) ? o.systems.filter((s): s is string => typeof s === "string") : [];
    return typeof o.program === "string" ? [{ systems, program: o.program }] : [];
  });
}

/** A setting from `nix config show --json` / `nix show-config --json` (object or bare value). */
function setting(all: Record<string, unknown>, name: string): unknown {
  const v = all[name];
  return typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v ? (v as { value: unknown }).value : v;
}

function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(/\s+/).filter((s) => s !== "");
  return [];
}

/** Builds the picture from the JSON dump of Nix's settings. */
export async function buildersFromConfig(
  all: Record<string, unknown>,
  read: (path: string) => Promise<string> = readText,
): Promise<NixBuilders> {
  const maxJobs = setting(all, "max-jobs");
  const builders = setting(all, "builders");
  return {
    system: String(setting(all, "system") ?? ""),
    extraPlatforms: words(setting(all, "extra-platforms")),
    systemFeatures: words(setting(all, "system-features")),
    maxJobs: maxJobs === "auto" ? 1 : Number(maxJobs ?? 1) || 0,
    machines: typeof builders === "string" ? await parseMachines(builders, read) : [],
    externalBuilders: parseExternalBuilders(setting(all, "external-builders")),
  };
}

/** Asks the installed Nix for its settings (`nix config show` from 2.20, `show-config` before). */
export async function detectBuilders(options: { nix?: string; env?: NodeJS.ProcessEnv } = {}): Promise<NixBuilders> {
  const nix = options.nix ?? "nix";
  const run = (args: string[]) =>
    execa(nix, ["--extra-experimental-features", "nix-command", ...args, "--json"], {
      env: options.env,
      reject: false,
      stdin: "ignore",
    });
  let result = await run(["config", "show"]).catch(nixMissing);
  if (result.exitCode !== 0) result = await run(["show-config"]);
  if (result.exitCode !== 0) {
    throw new NixlimaError("failed", `Nix could not show its settings: ${String(result.stderr).trim().split("\n")[0]}.`);
  }
  return buildersFromConfig(JSON.parse(String(result.stdout)) as Record<string, unknown>);
}

function nixMissing(err: unknown): never {
  if ((err as { code?: string }).code === "ENOENT") {
    throw new NixlimaError("not-found", "Nix is not installed or not on PATH: install it from https://nixos.org/download and try again.");
  }
  throw err;
}

export interface BuildPlace {
  kind: "local" | "remote" | "external";
  name: string;
}

/** Where `system` (needing `features`) can be built; empty when nowhere. */
/** A builder for this machine's own Linux system exists; false without Nix. */
export async function canBuildHostImages(options: { nix?: string; env?: NodeJS.ProcessEnv } = {}): Promise<boolean> {
  try {
    return placesFor(await detectBuilders(options), hostLinuxSystem(), ["kvm"]).length > 0;
  } catch {
    return false;
  }
}

export function placesFor(b: NixBuilders, system: string, features: string[] = []): BuildPlace[] {
  const places: BuildPlace[] = [];
  const localSystems = [b.system, ...b.extraPlatforms];
  if (b.maxJobs !== 0 && localSystems.includes(system) && features.every((f) => b.systemFeatures.includes(f))) {
    places.push({ kind: "local", name: "this machine" });
  }
  for (const m of b.machines) {
    const features_ = [...m.supportedFeatures, ...m.mandatoryFeatures];
    if (m.systems.includes(system) && features.every((f) => features_.includes(f))) places.push({ kind: "remote", name: m.uri });
  }
  for (const e of b.externalBuilders) {
    if (e.systems.includes(system)) places.push({ kind: "external", name: e.program });
  }
  return places;
}

/** Throws the "get a Linux builder" error when nothing can build `system`. */
export function requireBuilder(b: NixBuilders, system: string, features: string[] = []): BuildPlace[] {
  const places = placesFor(b, system, features);
  if (places.length === 0) throw new NixlimaError("failed", missingBuilderMessage(system, features));
  return places;
}
