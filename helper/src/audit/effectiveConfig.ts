// The settings that decide a VM's isolation, as Lima will apply them: `limactl list --json NAME`
// gives lima.yaml merged with `_config/default.yaml` and `override.yaml` and Lima's defaults.
import { z } from "zod";
import { NixlimaError } from "../errors";
import type { Limactl } from "../lima/limactl";
import { checkVmName } from "../shared/vmNames";
import { parseList } from "../lima/list";
import type { PortForward, Vm, VmStatus } from "../protocol";

const opt = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);

const Instance = z.object({
  name: z.string(),
  status: opt(z.string()),
  dir: opt(z.string()),
  config: opt(
    z.object({
      mounts: opt(
        z.array(z.object({ location: z.string(), mountPoint: opt(z.string()), writable: opt(z.boolean()) })).nullable(),
      ),
      ssh: opt(z.object({ forwardAgent: opt(z.boolean()), loadDotSSHPubKeys: opt(z.boolean()) })),
      portForwards: opt(
        z
          .array(
            z.object({
              guestPort: opt(z.number()),
              hostPort: opt(z.number()),
              guestSocket: opt(z.string()),
              hostSocket: opt(z.string()),
              hostIP: opt(z.string()),
              proto: opt(z.string()),
              ignore: opt(z.boolean()),
              reverse: opt(z.boolean()),
            }),
          )
          .nullable(),
      ),
      networks: opt(
        z.array(z.object({ lima: opt(z.string()), socket: opt(z.string()), vzNAT: opt(z.boolean()) })).nullable(),
      ),
      plain: opt(z.boolean()),
    }),
  ),
});

export interface EffectivePortForward extends PortForward {
  hostIP?: string;
  reverse?: boolean;
}

export interface EffectiveConfig {
  name: string;
  status: VmStatus;
  dir: string;
  mounts: { location: string; mountPoint: string; writable: boolean }[];
  forwardAgent: boolean;
  loadDotSSHPubKeys: boolean;
  portForwards: EffectivePortForward[];
  networkModes: string[];
  plain: boolean;
}

/** One `limactl list --json NAME`: the effective config, and the VM as the rest of nixlima sees it. */
export async function readEffectiveConfig(l: Limactl, name: string, signal?: AbortSignal): Promise<{ config: EffectiveConfig; vm: Vm }> {
  checkVmName(name);
  let stdout = "";
  try {
    stdout = (await l.run(["list", "--json", name], { signal, timeoutMs: 60_000 })).stdout;
  } catch (err) {
    if (!(err instanceof NixlimaError && err.code === "not-found")) throw err;
  }
  const line = stdout.split("\n").find((l) => l.trim());
  if (!line) throw new NixlimaError("not-found", `There is no VM named \`${name}\`.`, "Run `nixlima list` to see the VMs.");
  const [vm] = parseList(line);
  return { config: parseEffectiveConfig(line), vm: vm! };
}

export function parseEffectiveConfig(line: string): EffectiveConfig {
  const i = Instance.parse(JSON.parse(line));
  const c = i.config ?? {};
  const status: VmStatus = i.status === "Running" || i.status === "Stopped" || i.status === "Broken" ? i.status : "Unknown";
  // `plain: true` turns mounts, port forwards and agent forwarding off whatever else says.
  const plain = c.plain ?? false;
  return {
    name: i.name,
    status,
    dir: i.dir ?? "",
    plain,
    mounts: plain
      ? []
      : (c.mounts ?? []).map((m) => ({ location: m.location, mountPoint: m.mountPoint ?? m.location, writable: m.writable ?? false })),
    forwardAgent: !plain && (c.ssh?.forwardAgent ?? false),
    loadDotSSHPubKeys: c.ssh?.loadDotSSHPubKeys ?? false,
    portForwards: plain
      ? []
      : (c.portForwards ?? []).map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as EffectivePortForward),
    networkModes: [
      "user-mode",
      ...(c.networks ?? []).map((n) => (n.vzNAT ? "vzNAT" : n.lima ? `lima:${n.lima}` : n.socket ? "socket" : "unknown")),
    ],
  };
}
