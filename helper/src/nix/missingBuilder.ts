// Recognises Nix's "this machine cannot build that system" errors of every Nix generation
// and turns them into one message that says how to get a Linux builder.

// Nix < 2.30:   a 'aarch64-linux' with features {} is required to build '…', but I am a …
// Nix 2.30–33:  Reason: required system or feature not available / Required system: '…'
// Nix ≥ 2.34:   Reason: platform mismatch | missing system features | local builds are disabled
// Remote:       Failed to find a machine for remote build! … required (system, features): (…, […])
const PATTERNS: RegExp[] = [
  /a '([\w-]+)' with features \{([^}]*)\} is required to build/,
  /required system or feature not available/,
  /Required system: '([\w-]+)'(?: with features \{([^}]*)\})?/,
  /Reason: platform mismatch/,
  /Reason: missing system features/,
  /Reason: local builds are disabled/,
  /Failed to find a machine for remote build![\s\S]*?required \(system, features\): \(([\w-]+), \[([^\]]*)\]\)/,
  /Failed to find a machine for remote build!/,
  /required system '([\w-]+)' not available/,
];

export interface MissingBuilder {
  /** The system Nix needed, when the message says it. */
  system?: string;
  /** The features it needed (e.g. kvm), when the message says them. */
  features: string[];
}

function splitFeatures(list: string | undefined): string[] {
  return (list ?? "")
    .split(/[,\s]+/)
    .map((f) => f.trim())
    .filter((f) => f !== "");
}

/** The needed system and features if `text` is a "cannot build here" error, else undefined. */
export function matchMissingBuilder(text: string): MissingBuilder | undefined {
  let found: MissingBuilder | undefined;
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    found ??= { features: [] };
    if (!found.system && m[1]) found.system = m[1];
    if (found.features.length === 0) found.features = splitFeatures(m[2]);
  }
  const features = /Required features: \{([^}]*)\}/.exec(text);
  if (found && found.features.length === 0 && features) found.features = splitFeatures(features[1]);
  return found;
}

/** The three ways to get a Linux builder, named in every "no builder" message. */
export const LINUX_BUILDER_WAYS =
  "enable nix-darwin's `nix.linux-builder`, run a standalone Linux builder VM (e.g. nixpkgs' `darwin.linux-builder`), or add a remote Linux machine to `builders` in nix.conf";

/** On Linux the machine itself can build: what it lacks is the kvm feature or the other architecture. */
export function linuxBuilderWays(system: string): string {
  return `add kvm to system-features in nix.conf (with /dev/kvm usable by the Nix daemon), for another architecture than this machine's let Nix emulate ${system} (NixOS: boot.binfmt.emulatedSystems), or add a remote Linux machine to \`builders\` in nix.conf`;
}

/** The advice fits the platform: nix-darwin's builder means nothing on Linux. */
export function missingBuilderMessage(system: string, features: string[] = [], platform: NodeJS.Platform = process.platform): string {
  const needs = features.length > 0 ? ` with the ${features.join(", ")} feature${features.length > 1 ? "s" : ""}` : "";
  return `No Nix builder here can build ${system}${needs}: ${platform === "darwin" ? LINUX_BUILDER_WAYS : linuxBuilderWays(system)}.`;
}
