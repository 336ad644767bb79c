// Built images kept for Lima: LIMA_HOME/_images/nixlima-IMAGE-ARCH-DATE.qcow2 plus a
// nixlima-IMAGE-ARCH-latest.qcow2 symlink to the newest, so templates can name a stable path.
import { constants } from "node:fs";
import { chmod, copyFile, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink } from "node:fs/promises";
import { join } from "node:path";
import { NixlimaError } from "../errors";
import type { GuestArch } from "../shared/arch";
import { imageSize } from "./imageSize";
import type { StoredImage } from "../protocol";

export const IMAGES_DIR = "_images";
const IMAGE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const FILE_NAME = /^nixlima-([a-z0-9][a-z0-9_-]*)-(aarch64|x86_64)-(\d{8}|latest)\.qcow2$/;

export type ImageArch = GuestArch;

export interface InstalledImage {
  image: string;
  arch: ImageArch;
  path: string;
  latest: string;
}

/** A built image as the Images view and reclaim see it: the protocol's shape, written once. */
export type { StoredImage } from "../protocol";

/** Throws unless `image` is a name that is safe inside a file name (`dev`, `agent`, `my_vm`). */
export function assertImageName(image: string): void {
  if (!IMAGE_NAME.test(image)) {
    throw new NixlimaError("invalid-name", `"${image}" is not a valid image name: use lower-case letters, digits, "-" and "_".`);
  }
}

function ymd(date: Date): string {
  return `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, "0")}${String(date.getDate()).padStart(2, "0")}`;
}

/** The qcow2 in a build output: `nixos.qcow2`, or the only .qcow2 there. */
export async function findQcow2(outPath: string): Promise<string> {
  const info = await stat(outPath);
  if (info.isFile()) return outPath;
  const files = (await readdir(outPath)).filter((f) => f.endsWith(".qcow2"));
  const file = files.includes("nixos.qcow2") ? "nixos.qcow2" : files.length === 1 ? files[0] : undefined;
  if (!file) throw new NixlimaError("not-found", `The build output ${outPath} holds no single .qcow2 image; build an image package (e.g. dev-image).`);
  return join(outPath, file);
}

/**
 * Copies (reflinks where the file system can) a built image into LIMA_HOME/_images and
 * points the latest symlink at it. Both steps go through a temporary name and a rename, so
 * a crash never leaves a half-written image under the final name.
 */
export async function installImage(args: {
  limaHome: string;
  image: string;
  arch: ImageArch;
  outPath: string;
  date?: Date;
}): Promise<InstalledImage> {
  assertImageName(args.image);
  const source = await findQcow2(args.outPath);
  const dir = join(args.limaHome, IMAGES_DIR);
  await mkdir(dir, { recursive: true });
  const base = `nixlima-${args.image}-${args.arch}`;
  const name = `${base}-${ymd(args.date ?? new Date())}.qcow2`;
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    await copyFile(source, tmp, constants.COPYFILE_FICLONE);
    // Store files are read-only; the copy must be deletable and replaceable by its owner.
    await chmod(tmp, 0o644);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  const latest = join(dir, `${base}-latest.qcow2`);
  const link = join(dir, `.${base}-latest.${process.pid}.tmp`);
  await rm(link, { force: true });
  await symlink(name, link);
  await rename(link, latest);
  return { image: args.image, arch: args.arch, path, latest };
}

/** The images in LIMA_HOME/_images, newest first. */
export async function listImages(limaHome: string): Promise<StoredImage[]> {
  const dir = join(limaHome, IMAGES_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  const latestTargets = new Set<string>();
  for (const name of names) {
    if (name.endsWith("-latest.qcow2")) {
      const target = await readlink(join(dir, name)).catch(() => undefined);
      if (target) latestTargets.add(target);
    }
  }
  const images: StoredImage[] = [];
  for (const name of names) {
    const m = FILE_NAME.exec(name);
    if (!m || m[3] === "latest") continue;
    const info = await lstat(join(dir, name));
    if (!info.isFile()) continue;
    images.push({
      image: m[1] as string,
      arch: m[2] as ImageArch,
      date: m[3] as string,
      path: join(dir, name),
      sizeBytes: info.size,
      ...(await imageSize(join(dir, name), info)),
      modifiedAt: info.mtimeMs,
      latest: latestTargets.has(name),
    });
  }
  return images.sort((a, b) => b.modifiedAt - a.modifiedAt);
}
