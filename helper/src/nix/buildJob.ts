// The "build" job of the helper: the same steps as `nixlima build` (builder check, nix build
// with progress, install into LIMA_HOME/_images), reporting to a job instead of a terminal.
import type { ImageBuildOptions, Progress } from "../protocol";
import { buildImage } from "./buildImage";
import { detectBuilders, requireBuilder } from "./builders";
import { hostLinuxSystem } from "../shared/arch";
import { assertImageName, installImage, type InstalledImage } from "./images";
import { archOfSystem } from "../shared/arch";

export interface BuildJobContext {
  limaHome: string;
  /** The flake used when the request names none. */
  defaultFlake: () => string;
  nix?: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuildJobReporter {
  progress(p: Progress): void;
  log(line: string): void;
}

export async function runBuildJob(
  options: ImageBuildOptions,
  ctx: BuildJobContext,
  reporter: BuildJobReporter,
  signal: AbortSignal,
): Promise<InstalledImage> {
  assertImageName(options.image);
  const system = options.system ?? hostLinuxSystem();
  const arch = archOfSystem(system);
  const flake = options.flake ?? ctx.defaultFlake();
  const nix = ctx.nix ?? "nix";

  reporter.progress({ stage: "checking builders" });
  // Disk images are built in a VM by make-disk-image, so the builder needs `kvm`.
  const places = requireBuilder(await detectBuilders({ nix, env: ctx.env }), system, ["kvm"]);
  reporter.log(`Building ${options.image}-image for ${system} from ${flake} (builders: ${places.map((p) => p.name).join(", ")})`);
  const installable = `${flake}#packages.${system}.${options.image}-image`;
  reporter.log(`$ ${nix} build ${installable} --log-format internal-json -v --no-link`);
  reporter.progress({ stage: "evaluating", message: `${options.image}-image for ${system}` });
  const { outPath } = await buildImage({
    installable: [installable],
    nix,
    env: ctx.env,
    system,
    signal,
    onProgress: (p) => reporter.progress(p),
    onLog: (line) => reporter.log(line),
  });
  reporter.progress({ stage: "installing", message: `copying ${outPath} into Lima's images`, fraction: 1 });
  const installed = await installImage({ limaHome: ctx.limaHome, image: options.image, arch, outPath });
  reporter.log(`Installed ${installed.path} (latest: ${installed.latest})`);
  reporter.progress({ stage: "done", message: `Built ${options.image} for ${system}: ${installed.path}`, fraction: 1 });
  return installed;
}
