// `nixlima build IMAGE`: builds one of the flake's NixOS images with the user's Nix (checking
// first that some builder can build the target system), shows its progress, and copies the
// result into LIMA_HOME/_images where the create flow finds it.
import { homedir } from "node:os";
import { join } from "node:path";
import { NixlimaError } from "../../errors";
import { buildImage } from "../../nix/buildImage";
import { detectBuilders, requireBuilder } from "../../nix/builders";
import { flakeRef } from "../../nix/flakeRef";
import { hostLinuxSystem } from "../../shared/arch";
import { assertImageName, installImage } from "../../nix/images";
import { archOfSystem } from "../../shared/arch";
import type { CliCommand } from "../command";
import { progressPrinter } from "../progressPrinter";
import { EXIT_OK, interruptSignal, parseCommandArgs, reportError } from "../support";

const usage = [
  "nixlima build IMAGE [--system aarch64-linux|x86_64-linux] [--flake REF] [--json]",
  "  IMAGE      an image of the flake: minimal, dev, agent (builds packages.SYSTEM.IMAGE-image)",
  "  --system   the guest system; default: this machine's architecture",
  "  --flake    the flake to build from; default: nixlima's bundled flake (or NIXLIMA_FLAKE)",
  "  --json     print the result as JSON",
].join("\n");

export const buildCommand: CliCommand = {
  name: "build",
  summary: "Build a NixOS image with Nix and add it to Lima's images",
  usage,
  async run(args, io) {
    const interrupt = interruptSignal();
    const printer = progressPrinter(io, true);
    try {
      const { values, positionals } = parseCommandArgs(args, {
        system: { type: "string" },
        flake: { type: "string" },
        json: { type: "boolean" },
      });
      if (positionals.length !== 1) throw new NixlimaError("usage", positionals.length === 0 ? "Missing the IMAGE to build." : "Expected one IMAGE.");
      const image = positionals[0]!;
      assertImageName(image);
      const system = values.system ?? hostLinuxSystem();
      const arch = archOfSystem(system);
      const flake = flakeRef(values.flake, io.env);
      const nix = io.env.NIXLIMA_NIX || "nix";

      // Disk images are built in a VM by make-disk-image, so the builder needs `kvm`.
      requireBuilder(await detectBuilders({ nix, env: io.env }), system, ["kvm"]);
      const { outPath } = await buildImage({
        installable: [`${flake}#packages.${system}.${image}-image`],
        nix,
        env: io.env,
        system,
        signal: interrupt.signal,
        onProgress: (p) => printer.progress(p),
        onLog: (line) => printer.log(line),
      });
      printer.done();
      const limaHome = io.env.LIMA_HOME || join(homedir(), ".lima");
      const installed = await installImage({ limaHome, image, arch, outPath });
      if (values.json) io.stdout.write(`${JSON.stringify({ ...installed, system, outPath })}\n`);
      else io.stdout.write(`Built ${image} for ${system}: ${installed.path}\n(latest: ${installed.latest})\n`);
      return EXIT_OK;
    } catch (err) {
      printer.done();
      return reportError(io, err, usage);
    } finally {
      interrupt.dispose();
    }
  },
};
