// Renders a Lima template with the yaml library's Document API, so the template's comments and
// quoting survive: only the fields nixlima sets change (cpus, memory, disk, mounts, images,
// sockets), plus, first of its provisions, the one that makes /run/host-services (hostServices.ts).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, YAMLSeq } from "yaml";
import { NixlimaError } from "../errors";
import { HOST_SERVICES_PROVISION } from "./hostServices";

export interface ImageEntry {
  location: string;
  arch?: string;
}

export interface RenderInput {
  cpus?: number;
  memoryGiB?: number;
  diskGiB?: number;
  /** Appended to the template's mounts; locations already absolute, mountPoint only where needed (placeMounts.ts). */
  mounts?: { location: string; writable: boolean; mountPoint?: string }[];
  /** `replace`: the only image (--image); `prepend`: tried first, the template's as fallback. */
  images?: { mode: "replace" | "prepend"; entries: ImageEntry[] };
  /** Host sockets forwarded into the guest (hostSockets.ts), and the guest env that points at them. */
  sockets?: { forwards: { hostSocket: string; guestSocket: string }[]; env: Record<string, string> };
}

/** Parses a template; a YAML error names the file, line and column. */
export function parseTemplate(text: string, file: string): Document {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const what = error.message.split("\n")[0]!.replace(/\.?$/, "");
    throw new NixlimaError("failed", `The template ${file} has a YAML error at line ${line}, column ${col}: ${what}.`, "Fix the file (or pick another template) and try again.");
  }
  if (!isMap(doc.contents)) {
    throw new NixlimaError("failed", `The template ${file} is not a Lima template: its top level must be a mapping such as \`images: …\`.`, "Pass a Lima YAML file.");
  }
  return doc;
}

/** Applies the input to a parsed template (mutating it) and returns the YAML text. */
export function renderTemplate(doc: Document, input: RenderInput): string {
  if (input.cpus !== undefined) setScalar(doc, "cpus", input.cpus);
  if (input.memoryGiB !== undefined) setScalar(doc, "memory", gib(input.memoryGiB));
  if (input.diskGiB !== undefined) setScalar(doc, "disk", gib(input.diskGiB));
  if (input.mounts && input.mounts.length > 0) {
    const mounts = blockSeq(doc, "mounts");
    for (const m of input.mounts) {
      mounts.add(doc.createNode(m.mountPoint === undefined ? { location: m.location, writable: m.writable } : { location: m.location, mountPoint: m.mountPoint, writable: m.writable }));
    }
  }
  if (input.images) {
    const nodes = input.images.entries.map((e) => doc.createNode(e.arch ? { location: e.location, arch: e.arch } : { location: e.location }));
    if (input.images.mode === "replace") {
      const seq = new YAMLSeq();
      seq.items.push(...nodes);
      seq.commentBefore = " The image given to `nixlima create --image`.";
      doc.set("images", seq);
    } else {
      blockSeq(doc, "images").items.unshift(...nodes);
    }
  }
  if (input.sockets) addSockets(doc, input.sockets);
  blockSeq(doc, "provision").items.unshift(doc.createNode(HOST_SERVICES_PROVISION));
  // lineWidth 0: never fold long URLs and digests; indentSeq false: keep Lima's `- ` style.
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

/** Socket rules go first: Lima uses the first rule that matches, and the template may end with catch-alls. */
function addSockets(doc: Document, sockets: NonNullable<RenderInput["sockets"]>): void {
  if (sockets.forwards.length > 0) {
    const rules = sockets.forwards.map((f) => doc.createNode({ guestSocket: f.guestSocket, hostSocket: f.hostSocket, reverse: true }));
    blockSeq(doc, "portForwards").items.unshift(...rules);
  }
  for (const [key, value] of Object.entries(sockets.env)) doc.setIn(["env", key], value);
}

/** The template's own cpus, memory and disk (memory and disk in GiB), where it sets them. */
export function templateResources(doc: Document): { cpus?: number; memoryGiB?: number; diskGiB?: number } {
  const out: { cpus?: number; memoryGiB?: number; diskGiB?: number } = {};
  const cpus = doc.get("cpus");
  if (typeof cpus === "number") out.cpus = cpus;
  const memory = toGiB(doc.get("memory"));
  if (memory !== undefined) out.memoryGiB = memory;
  const disk = toGiB(doc.get("disk"));
  if (disk !== undefined) out.diskGiB = disk;
  return out;
}

/** Every mount of the rendered template, `location` as written. */
export function templateMounts(doc: Document): { location: string; writable: boolean }[] {
  const mounts = doc.toJS()?.mounts;
  if (!Array.isArray(mounts)) return [];
  return mounts
    .filter((m): m is { location: string; writable?: unknown } => typeof m?.location === "string")
    .map((m) => ({ location: m.location, writable: m.writable === true }));
}

/** The `arch:` the template pins, if any. */
export function templateArch(doc: Document): string | undefined {
  const arch = doc.get("arch");
  return typeof arch === "string" && arch !== "" && arch !== "default" ? arch : undefined;
}

/** Keeps the existing scalar node (its quotes and comments) and changes only its value. */
function setScalar(doc: Document, key: string, value: number | string): void {
  const node = doc.get(key, true);
  if (isScalar(node)) node.value = value;
  else doc.set(key, value);
}

/** The sequence at `key`, created when absent; a flow `[]` becomes a block list. */
function blockSeq(doc: Document, key: string): YAMLSeq {
  let seq = doc.get(key, true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set(key, seq);
  }
  const s = seq as YAMLSeq;
  s.flow = false;
  return s;
}

/** Lima sizes are go-units strings; numbers never in exponent notation. */
function gib(n: number): string {
  const text = String(n).includes("e") ? n.toFixed(9).replace(/\.?0+$/, "") : String(n);
  return `${text}GiB`;
}

const UNITS: Record<string, number> = { "": 1 / 1024 ** 3, k: 1 / 1024 ** 2, m: 1 / 1024, g: 1, t: 1024 };

/** "4GiB" → 4, "512MiB" → 0.5; undefined for anything else. */
function toGiB(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}
