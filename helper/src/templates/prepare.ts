// Everything `create` checks and renders before any limactl process runs: the name, the numbers,
// the template, the mounts, the image. Each problem is one sentence, and nothing is created yet.
import { statSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { coversLimaHome, exposesHome, expandLocation, writesHome } from "../shared/homeMounts";
import { NixlimaError } from "../errors";
import { checkVmName } from "../shared/vmNames";
import { hostLinuxSystem } from "../shared/arch";
import { listImages } from "../nix/images";
import { archOfSystem } from "../shared/arch";
import { templateOfLimaYaml } from "../nix/rebuild";
import { HostSocketRequest, type CreateOptions } from "../protocol";
import { planHostSockets } from "./hostSockets";
import { ResourceInput } from "../shared/presets";
import { expandTilde, resolveTemplate, type ResolvedTemplate } from "./catalog";
import { placeMounts } from "./placeMounts";
import { parseTemplate, renderTemplate, templateArch, templateMounts, type ImageEntry, type RenderInput } from "./render";

/** CreateOptions plus the caller's consent to a writable mount of the home folder. */
export interface CreateRequest extends CreateOptions {
  /** The CLI's --allow-home-write; the extension sets it after asking the user. */
  allowHomeWrite?: boolean;
}

export interface PreparedCreate {
  name: string;
  template: ResolvedTemplate;
  /** The rendered lima.yaml. */
  yaml: string;
  /** The image put first (a built one) or alone (--image); undefined: the template's own. */
  image?: string;
}

const CreateInput = z.object({
  template: z.string().min(1, "Choose a template: minimal, dev, agent or the path of a Lima YAML file."),
  ...ResourceInput.shape,
  mounts: z.array(z.object({ location: z.string().min(1, "A mount needs a folder."), writable: z.boolean() })).optional(),
  image: z.string().min(1, "The image path or URL is empty.").optional(),
  publishedImage: z.boolean().optional(),
  start: z.boolean().optional(),
  allowHomeWrite: z.boolean().optional(),
  sockets: z.array(HostSocketRequest).optional(),
});

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;

export async function prepareCreate(name: string, request: CreateRequest, limaHome: string): Promise<PreparedCreate> {
  checkVmName(name);
  const parsed = CreateInput.safeParse(request);
  if (!parsed.success) throw new NixlimaError("usage", parsed.error.issues[0]!.message);
  const opts = parsed.data;

  const template = await resolveTemplate(opts.template);
  const text = await readFile(template.path, "utf8");
  const doc = parseTemplate(text, template.path);
  const asked = (opts.mounts ?? []).map((m) => ({ location: checkMountDir(m.location), writable: m.writable }));
  const mounts = placeMounts(doc, asked, homedir());

  let images: RenderInput["images"];
  let image: string | undefined;
  if (opts.image !== undefined) {
    image = checkImage(opts.image);
    images = { mode: "replace", entries: [{ location: image }] };
  } else if (!opts.publishedImage) {
    const built = await newestBuiltImage(limaHome, templateOfLimaYaml(text) ?? template.name, templateArch(doc));
    if (built) {
      image = built.location;
      images = { mode: "prepend", entries: [built] };
    }
  }
  const sockets = opts.sockets && opts.sockets.length > 0 ? planHostSockets(opts.sockets) : undefined;
  const yaml = renderTemplate(doc, { cpus: opts.cpus, memoryGiB: opts.memoryGiB, diskGiB: opts.diskGiB, mounts, images, sockets });
  if (!opts.allowHomeWrite) refuseWritableHome(templateMounts(doc));
  refuseWritableLimaHome(templateMounts(doc), limaHome, opts.allowHomeWrite === true);
  return { name, template, yaml, ...(image === undefined ? {} : { image }) };
}

/** `~` expanded, made absolute, and it must be an existing folder. */
function checkMountDir(location: string): string {
  const path = resolve(expandTilde(location));
  const info = statOrUndefined(path);
  if (!info) throw new NixlimaError("not-found", `The folder ${path} to mount does not exist.`, "Create it first, or pick another folder.");
  if (!info.isDirectory()) throw new NixlimaError("failed", `${path} is not a folder; Lima can only mount folders.`, "Pass a folder to --mount.");
  return path;
}

/** A URL as given; a local path must be an existing file, and is made absolute. */
function checkImage(image: string): string {
  if (URL_RE.test(image)) return image;
  const path = resolve(expandTilde(image));
  const info = statOrUndefined(path);
  if (!info) throw new NixlimaError("not-found", `The image ${path} does not exist.`, "Pass the path of an image file, or build one with `nixlima build`.");
  if (!info.isFile()) throw new NixlimaError("failed", `The image ${path} is not a file.`, "Pass the path of a disk image file (qcow2 or raw).");
  return path;
}

/** The image the user built for this template and architecture: the latest link's target, else the newest. */
async function newestBuiltImage(limaHome: string, image: string, arch: string | undefined): Promise<ImageEntry | undefined> {
  const wanted = arch ?? archOfSystem(hostLinuxSystem());
  const candidates = (await listImages(limaHome)).filter((i) => i.image === image && i.arch === wanted);
  const chosen = candidates.find((i) => i.latest) ?? candidates[0];
  return chosen && { location: chosen.path, arch: chosen.arch };
}

function refuseWritableHome(mounts: { location: string; writable: boolean }[]): void {
  const home = homedir();
  const exposing = mounts.find((m) => writesHome(m, home));
  if (exposing) {
    throw new NixlimaError(
      "failed",
      `The writable mount ${expandLocation(exposing.location, home)} would let the VM change everything in your home folder ${home}.`,
      "Mount a project folder instead, mount it read-only, or pass --allow-home-write if you really mean it.",
    );
  }
}

/**
 * A guest that can write LIMA_HOME could rewrite the ssh.config nixlima includes in the user's
 * ssh config. A home mount the user allowed already gives the guest ~/.ssh, so it passes.
 */
function refuseWritableLimaHome(mounts: { location: string; writable: boolean }[], limaHome: string, homeAllowed: boolean): void {
  const home = homedir();
  const covering = mounts.find((m) => coversLimaHome(m, limaHome, home) && !(homeAllowed && exposesHome(m.location, home)));
  if (covering) {
    throw new NixlimaError(
      "failed",
      `The writable mount ${expandLocation(covering.location, home)} covers LIMA_HOME (${limaHome}), where Lima keeps the ssh.config your ssh config includes, so the VM could make ssh on this machine run its commands.`,
      "Mount a folder outside LIMA_HOME, or mount it read-only.",
    );
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
