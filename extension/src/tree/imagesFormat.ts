// How a built image reads in the Images view and in pickers: pure functions, tested without VS Code.
import type { StoredImage } from "../../../helper/src/protocol";
import { formatBytes } from "./format";

/** `dev · x86_64` */
export function imageLabel(image: StoredImage): string {
  return `${image.image} · ${image.arch}`;
}

/** `2026-07-01 · 1.4 GiB used of 20 GiB · latest`: what it takes on the host, of the disk it holds. */
export function describeImage(image: StoredImage): string {
  return [isoDate(image.date), imageSizeText(image), ...(image.latest ? ["latest"] : [])].join(" · ");
}

function imageSizeText(image: StoredImage): string {
  if (image.usedBytes === undefined || image.nominalBytes === undefined) return formatBytes(image.sizeBytes);
  return `${formatBytes(image.usedBytes)} used of ${formatBytes(image.nominalBytes)}`;
}

/** `20260701` → `2026-07-01`. */
export function isoDate(yyyymmdd: string): string {
  return /^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}` : yyyymmdd;
}

/** By name and arch, each group's latest first, then newest first. */
export function sortImages(images: StoredImage[]): StoredImage[] {
  return [...images].sort(
    (a, b) =>
      a.image.localeCompare(b.image) ||
      a.arch.localeCompare(b.arch) ||
      Number(b.latest) - Number(a.latest) ||
      b.date.localeCompare(a.date) ||
      b.modifiedAt - a.modifiedAt,
  );
}

/**
 * The built images the Create flow offers for a template, best first: the template's own image
 * for the VM's architecture (latest first), then its other builds; other images are left out.
 */
export function imagesForTemplate(images: StoredImage[], template: string, arch: string): StoredImage[] {
  return sortImages(images.filter((i) => i.image === template && i.arch === arch));
}

/** "Create VM from this image" passes `{ image: PATH }` to the Create command. */
export function imagePreset(arg: unknown): string | undefined {
  const image = typeof arg === "object" && arg !== null ? (arg as { image?: unknown }).image : undefined;
  return typeof image === "string" && image !== "" ? image : undefined;
}
