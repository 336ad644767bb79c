// Nix is optional: it builds nixlima's own NixOS images. On macOS it needs a Linux builder.
import { detectBuilders, placesFor } from "../nix/builders";
import { hostLinuxSystem } from "../nix/flakeRef";
import { missingBuilderMessage } from "../nix/missingBuilder";
import type { DoctorCheck } from "../protocol";
import { firstLine } from "./run";

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
  const nix: DoctorCheck = { id: "nix", title: "Nix", ok: true, optional: true, detail: version };
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
