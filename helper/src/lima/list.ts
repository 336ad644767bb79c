// `limactl list` → protocol Vm[]. Tolerant by design: unknown fields are ignored, a field of an
// unexpected type is dropped rather than failing the line, and Broken instances are kept.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { getSystemErrorName } from "node:util";
import { z } from "zod";
import { NixlimaError } from "../errors";
import type { Mount, PortForward, Vm, VmStatus } from "../protocol";
import { vmsStartingAtLogin } from "./autostartPlace";
import { diskUsedBytes } from "./diskUsage";
import type { Limactl } from "./limactl";
import { limaHostname } from "../shared/vmNames";

const opt = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);
const str = opt(z.string());
const num = opt(z.number());
const bool = opt(z.boolean());

const LimaMount = z.object({ location: z.string(), mountPoint: str, writable: bool });
const LimaPortForward = z.object({
  guestPort: num,
  hostPort: num,
  guestSocket: str,
  hostSocket: str,
  proto: str,
  ignore: bool,
});
/** Only what nixlima shows of `config` (lima.yaml with defaults filled in). */
const LimaConfig = z.object({
  mounts: opt(z.array(LimaMount)),
  portForwards: opt(z.array(LimaPortForward)),
  ssh: opt(z.object({ forwardAgent: bool })),
  user: opt(z.object({ name: str, home: str })),
});
const LimaInstance = z.object({
  name: z.string().min(1),
  hostname: str,
  status: str,
  dir: str,
  vmType: str,
  arch: str,
  cpus: num,
  memory: num,
  disk: num,
  sshLocalPort: num,
  sshConfigFile: str,
  errors: opt(z.array(z.unknown())),
  config: opt(LimaConfig),
  protected: bool,
  limaVersion: str,
});
type LimaInstance = z.infer<typeof LimaInstance>;

/**
 * The go template listVms passes to `limactl list --format`: Lima's own JSON of each instance,
 * plus its errors as text. (`list --json` encodes Go errors as structs such as `{}`, unreadable.)
 */
export const LIST_FORMAT =
  '{"instance":{{json .}},"errorText":[{{range $i, $e := .Errors}}{{if $i}},{{end}}{{json (printf "%v" $e)}}{{end}}]}';

const Envelope = z.object({ instance: z.unknown(), errorText: z.array(z.string()) });

/** Parses `limactl list --json` NDJSON, or the LIST_FORMAT lines listVms asks for. */
export function parseList(ndjson: string): Vm[] {
  const vms: Vm[] = [];
  for (const raw of ndjson.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new NixlimaError("failed", `limactl list printed a line that is not JSON: ${line.slice(0, 120)}`);
    }
    const envelope = Envelope.safeParse(value);
    const inst = LimaInstance.safeParse(envelope.success ? envelope.data.instance : value);
    if (!inst.success) {
      throw new NixlimaError("failed", `limactl list printed an instance without a name: ${line.slice(0, 120)}`);
    }
    vms.push(toVm(inst.data, envelope.success ? envelope.data.errorText : undefined));
  }
  return vms;
}

export async function listVms(l: Limactl, signal?: AbortSignal): Promise<Vm[]> {
  const { stdout } = await l.run(["list", "--format", LIST_FORMAT], { signal, timeoutMs: 60_000 });
  return withHostFacts(l, parseList(stdout));
}

/** What Lima's list does not say but the host knows: start at login, real disk use, since when. */
export function withHostFacts(l: Limactl, vms: Vm[]): Promise<Vm[]> {
  const atLogin = new Set(vmsStartingAtLogin(l.env).vms);
  return Promise.all(
    vms.map(async (vm) => {
      const used = vm.dir ? diskUsedBytes(vm.dir) : undefined;
      return withTemplate(await withSince({ ...vm, ...(atLogin.has(vm.name) ? { startsAtLogin: true } : {}), ...(used === undefined ? {} : { diskUsedBytes: used }) }));
    }),
  );
}

/** The nixlima template a lima.yaml was made from: its first lines say `# nixlima template "dev"`. */
export function templateOfLimaYaml(text: string): string | undefined {
  return /^#\s*nixlima template "([a-z0-9_-]+)"/m.exec(text.split("\n").slice(0, 5).join("\n"))?.[1];
}

/** A VM made from one of nixlima's templates boots NixOS; which one tells what it can do. */
export async function withTemplate(vm: Vm): Promise<Vm> {
  if (!vm.dir) return vm;
  const head = await readFile(join(vm.dir, "lima.yaml"), "utf8").then((t) => t.slice(0, 2000), () => "");
  const template = templateOfLimaYaml(head);
  return template ? { ...vm, template } : vm;
}

/**
 * Lima does not say since when a VM is in its state; its folder does. The host agent writes
 * ha.pid when it starts; a stopped VM has been stopped since its host agent's last log line (or
 * since lima.yaml was written, for one never started or edited since).
 */
export async function withSince(vm: Vm): Promise<Vm> {
  if (!vm.dir || (vm.status !== "Running" && vm.status !== "Stopped")) return vm;
  const mtime = (f: string) => stat(join(vm.dir, f)).then((s) => s.mtimeMs, () => undefined);
  const times = vm.status === "Running" ? [await mtime("ha.pid")] : [await mtime("ha.stderr.log"), await mtime("lima.yaml")];
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? { ...vm, since: Math.floor(Math.max(...known)) } : vm;
}

function toVm(i: LimaInstance, errorText: string[] | undefined): Vm {
  const status = toStatus(i.status);
  const dir = i.dir ?? "";
  const errors = errorText ?? (i.errors ?? []).map(errorToText).filter((e): e is string => e !== undefined);
  if (errors.length === 0 && status !== "Running" && status !== "Stopped") {
    errors.push(`Lima could not load this instance; run \`limactl validate ${dir}/lima.yaml\` to see why.`);
  }
  const config = i.config;
  const vm: Vm = {
    name: i.name,
    status,
    dir,
    hostname: i.hostname || limaHostname(i.name),
    mounts: (config?.mounts ?? []).map(
      (m): Mount => ({ location: m.location, mountPoint: m.mountPoint ?? m.location, writable: m.writable ?? false }),
    ),
    portForwards: (config?.portForwards ?? []).map(
      (p): PortForward => dropUndefined({ ...p }) as PortForward,
    ),
    protected: i.protected ?? false,
    errors: errors.map((e) => e.trim()),
  };
  const optional: Partial<Vm> = {
    vmType: i.vmType || undefined,
    arch: i.arch || undefined,
    cpus: i.cpus,
    memoryBytes: i.memory,
    diskBytes: i.disk,
    // Lima keeps the last port of a stopped VM; it means nothing until the next start.
    sshLocalPort: status === "Running" ? i.sshLocalPort || undefined : undefined,
    sshConfigFile: i.sshConfigFile || undefined,
    guestUser: config?.user?.name || undefined,
    guestHome: config?.user?.home || undefined,
    forwardAgent: config?.ssh?.forwardAgent,
    limaVersion: i.limaVersion || undefined,
  };
  return { ...vm, ...dropUndefined(optional) };
}

function toStatus(s: string | undefined): VmStatus {
  return s === "Running" || s === "Stopped" || s === "Broken" ? s : "Unknown";
}

/** `list --json` errors: a string, a Go *PathError struct `{Op, Path, Err: errno}`, or `{}` (lost). */
function errorToText(e: unknown): string | undefined {
  if (typeof e === "string") return e;
  if (e && typeof e === "object") {
    const { Op, Path, Err } = e as Record<string, unknown>;
    if (typeof Op === "string" && typeof Path === "string") {
      return `${Op} ${Path}: ${typeof Err === "number" ? errnoText(Err) : String(Err)}`;
    }
  }
  return undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
};

function errnoText(errno: number): string {
  try {
    const name = getSystemErrorName(-errno);
    return ERRNO_TEXT[name] ?? name;
  } catch {
    return `errno ${errno}`;
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
