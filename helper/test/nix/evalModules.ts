// Evaluates nixlima's NixOS modules for one profile with the real module system
// (fixtures/eval/eval.nix) and returns what the guest would run, as JSON from nix-instantiate.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { execa } from "execa";
import { fixtures } from "./nixEnv";

/** The nearest `shared/vendor/nixpkgs-lib/lib` above the checkout (see its PROVENANCE.md). */
function vendoredLib(): string {
  for (let dir = resolve(import.meta.dirname, "../../.."); ; dir = dirname(dir)) {
    const lib = join(dir, "shared/vendor/nixpkgs-lib/lib");
    if (existsSync(lib) || dir === dirname(dir)) return lib;
  }
}

/** nixpkgs' lib/: NIXLIMA_NIXPKGS_LIB, else the vendored copy (github:nix-community/nixpkgs.lib). */
export const nixpkgsLib = process.env.NIXLIMA_NIXPKGS_LIB ?? vendoredLib();

export interface Rendered {
  nftables: string;
  nftablesEnabled: boolean;
  dnsmasq: { enable: boolean; resolveLocalQueries: boolean; conf: string };
  agentJson: string | null;
  tmpfiles: string[];
  kernelParams: string[];
  cidataOptions: string[];
  users: Record<string, { uid: number | null; home: string; group: string; extraGroups: string[] }>;
  allowedUsers: string[];
  variables: Record<string, string>;
  unfree: Record<string, boolean>;
  units: Record<string, { path: string[]; after: string[] } & Record<string, unknown>>;
  limaInitIsTheScript: boolean;
  guestAgentIsTheScript: boolean;
  packages: string[];
  /** nscd.service's ExecStartPre commands (none when nothing is added to NixOS's own unit). */
  nscdStartPre: string[];
  /** The `hosts:` sources of nsswitch.conf, in order. */
  nsswitchHosts: string[];
  etcEnvironment: unknown;
  sshdPamEnv: Record<string, unknown> | null;
}

export interface EvalExtra {
  system?: "aarch64-linux" | "x86_64-linux";
  /** Package names a user's own module allows with its own `nixpkgs.config.allowUnfreePredicate`. */
  userUnfree?: string[];
}

/** Rejects with nix's own error message when the evaluation fails. */
export async function evalProfile(env: NodeJS.ProcessEnv, profile: string, config: object, extra: EvalExtra = {}): Promise<Rendered> {
  const args = ["--eval", "--strict", "--json", join(fixtures, "eval", "eval.nix")];
  args.push("--arg", "lib", `import ${nixpkgsLib}`, "--argstr", "profile", profile, "--argstr", "configJson", JSON.stringify(config));
  if (extra.system) args.push("--argstr", "system", extra.system);
  if (extra.userUnfree) args.push("--arg", "userUnfree", `[ ${extra.userUnfree.map((n) => JSON.stringify(n)).join(" ")} ]`);
  const r = await execa("nix-instantiate", args, { env, reject: false });
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Rendered;
}
