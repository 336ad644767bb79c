// Nix is optional: it builds nixlima's own NixOS images. On macOS it needs a Linux builder.
import { detectBuilders, placesFor } from "../nix/builders";
import { hostLinuxSystem } from "../shared/arch";
import { missingBuilderMessage } from "../nix/missingBuilder";
import type { DoctorCheck } from "../protocol";
import { listFlakeImages } from "../nix/flakeImages";
import { flakeRef } from "../nix/flakeRef";
import { toHelperError } from "../errors";
import { firstLine } from "./run";

const FLAKE_EVAL_TIMEOUT_MS = 90_000;

/** Nix is green only when it can read nixlima's flake: an old Nix or one without flakes cannot build its images. */
export async function flakeCheck(version: string, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  try {
    const flake = flakeRef(undefined, env);
    const images = await listFlakeImages({ flake, env, signal: AbortSignal.timeout(FLAKE_EVAL_TIMEOUT_MS) });
    return { id: "nix", title: "Nix", ok: true, optional: true, detail: `${version} reads nixlima's flake (${images.length} image${images.length === 1 ? "" : "s"}).` };
  } catch (err) {
    const e = toHelperError(err);
    return {
      id: "nix",
      title: "Nix",
      ok: false,
      optional: true,
      detail: `${version} is installed but cannot read nixlima's flake: ${e.message.replace(/^Nix cannot evaluate the flake \S+: /, "")}`,
      fix: "Use Nix 2.4 or newer with flakes, on a network that reaches the flake's inputs; the published images work without it.",
    };
  }
}

export async function nixChecks(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const version = await firstLine("nix", ["--version"], env);
  if (!version) {
    return [
      {
        id: "nix",
        title: "Nix",
        ok: false,
        optional: true,
        detail: "Nix is not installed: you can use the published NixOS images, but not build your own.",
        fix: "Install Nix (https://nixos.org/download) to build images with `nixlima build`.",
      },
    ];
  }
  const system = hostLinuxSystem();
  const nix = await flakeCheck(version, env);
  try {
    const places = placesFor(await detectBuilders({ env }), system, ["kvm"]);
    const ok = places.length > 0;
    return [
      nix,
      {
        id: "nix-builder",
        title: `A builder for ${system} images`,
        ok,
        optional: true,
        detail: ok ? `Images can be built on ${places.map((p) => p.name).join(", ")}.` : `Nothing this Nix knows can build ${system} disk images.`,
        ...(ok ? {} : { fix: missingBuilderMessage(system, ["kvm"]) }),
      },
    ];
  } catch (err) {
    return [nix, { id: "nix-builder", title: `A builder for ${system} images`, ok: false, optional: true, detail: err instanceof Error ? err.message : String(err) }];
  }
}
