// The real QEMU guest that end-to-end tests boot with the real limactl (a small Debian built by
// scripts/setup/30-guest-image.sh), and a way to point any Lima template at it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./lima";

export interface TestGuest {
  dir: string;
  disk: string;
  kernel: string;
  initrd: string;
  kernelCmdline: string;
}

const imageInputs = [
  "scripts/setup/30-guest-image.sh",
  "scripts/setup/guest",
  // nixlima's guest scripts, copied into the image for boots with its own init.
  "nix/modules/lima-init.sh",
  "nix/modules/lima-guestagent.sh",
];

/**
 * How the test guest configures itself from Lima's cidata disk on boot: cloud-init, nixlima's own
 * lima-init, or a FAKE of the published nixos-lima v0.2.1 image's init
 * (scripts/setup/guest/fake-nixos-lima/), which cannot be downloaded here.
 */
export type GuestInit = "cloud-init" | "lima-init" | "fake-nixos-lima";

/**
 * Kernel arguments that boot the same image without cloud-init: its generator honours
 * `cloud-init=disabled`, and the image's units for each other init run only when their
 * `nixlima.init=…` word is there.
 */
const initCmdline = (init: Exclude<GuestInit, "cloud-init">) => `cloud-init=disabled nixlima.init=${init}`;

function filesUnder(path: string): string[] {
  if (!statSync(join(repoRoot, path)).isDirectory()) return [path];
  return readdirSync(join(repoRoot, path)).flatMap((name) => filesUnder(`${path}/${name}`));
}

/** A line as GNU sha256sum prints it: a name with a backslash (a systemd unit's \x2d) is escaped, and marked by a leading backslash. */
function sha256sumLine(digest: string, path: string): string {
  if (!/[\\\n]/.test(path)) return `${digest}  ${path}\n`;
  return `\\${digest}  ${path.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}\n`;
}

/** The same content hash as the set-up script (`sha256sum` of each input, then of that list). */
function imageHash(): string {
  const lines = imageInputs
    .flatMap(filesUnder)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((path) => sha256sumLine(createHash("sha256").update(readFileSync(join(repoRoot, path))).digest("hex"), path));
  return createHash("sha256").update(lines.join("")).digest("hex").slice(0, 16);
}

/** The built guest matching the current set-up script; throws a clear error when it is missing or stale. */
export function testGuest(): TestGuest {
  const dir = join(repoRoot, ".cache/guest", imageHash());
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new Error(
      `The end-to-end test guest is not built for the current scripts/setup/guest/ (no ${manifestPath}); ` +
        "run `sudo scripts/setup.sh` (or `npm test`, which runs it) first.",
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, string>;
  return {
    dir,
    disk: join(dir, manifest.disk),
    kernel: join(dir, manifest.kernel),
    initrd: join(dir, manifest.initrd),
    kernelCmdline: manifest.kernelCmdline,
  };
}

export interface TestVmOptions {
  cpus?: number;
  memory?: string;
  /** Lima `mounts:` entries; none unless a test needs them (9p under TCG is slow to set up). */
  mounts?: unknown[];
  /**
   * nixlima's own init, the NixOS module's lima-init unit (the default: the guest code nixlima
   * ships is what the end-to-end tests prove), or cloud-init, for the tests and the bench that
   * keep that boot proven too.
   */
  init?: GuestInit;
}

/**
 * Takes a Lima template (YAML text or parsed object) and returns it with only what the test bed
 * needs changed: its `images` replaced by the test guest (booted directly, kernel + initrd), and
 * settings that keep a TCG boot lean. Everything else in the template is kept as it was.
 */
export function testVmConfig(template: string | Record<string, unknown>, options: TestVmOptions = {}): Record<string, unknown> {
  const base = typeof template === "string" ? ((parse(template) ?? {}) as Record<string, unknown>) : { ...template };
  const guest = testGuest();
  return {
    ...base,
    vmType: "qemu",
    arch: "x86_64",
    images: [
      {
        location: guest.disk,
        arch: "x86_64",
        kernel: {
          location: guest.kernel,
          cmdline: options.init === "cloud-init" ? guest.kernelCmdline : `${guest.kernelCmdline} ${initCmdline(options.init ?? "lima-init")}`,
        },
        initrd: { location: guest.initrd },
      },
    ],
    cpus: options.cpus ?? 2,
    memory: options.memory ?? "1GiB",
    // Small, so cloud-init's resize of the root filesystem stays quick.
    disk: "3GiB",
    // No OVMF here, and SeaBIOS hands over to a direct kernel boot in well under a second.
    firmware: { legacyBIOS: true },
    containerd: { system: false, user: false },
    mounts: options.mounts ?? [],
  };
}
