// nixlima's own ssh file, and what each VM's host should resolve to.
//
// Why Include Lima's <instance>/ssh.config instead of copying its Host block: Lima rewrites that
// file with a new port on every start, including starts made outside nixlima (`limactl start` in
// a terminal, another tool), so an Include keeps plain ssh, scp, rsync and Remote-SSH connections
// right with no sync in between, where a copy would point at a dead port until the next sync.
// Including a file that does not exist yet (a VM never started) is not an error for ssh: the host
// appears on the VM's first start. The cost: Remote-SSH's host *list* may not follow an Include
// inside an Include, so a VM may be missing from its Remote Explorer; connecting by the alias
// (which is what nixlima's "Open" does) always works, because ssh itself resolves every level.
import { readFile } from "node:fs/promises";
import { parse, LineType } from "ssh-config";
import { limaSshConfigPath } from "../shared/limaSsh";
import { limaHostname } from "../shared/vmNames";
import type { Vm } from "../protocol";
import { sshConfigPathArg } from "./paths";

/** The parts of a Vm this module needs (a full protocol Vm fits). */
export type SshVm = Pick<Vm, "name" | "dir" | "status"> & Partial<Pick<Vm, "sshConfigFile" | "sshLocalPort">>;

/** Lima's host alias: `lima-NAME` with '.' and '_' turned into '-'. */
export const vmAlias = (vm: Pick<Vm, "name">) => limaHostname(vm.name);

export function renderNixlimaConfig(vms: SshVm[], home?: string): string {
  const header = [
    "# nixlima's ssh hosts: one Include per Lima VM, of the ssh.config Lima rewrites on every start",
    "# (Host lima-NAME). Rewritten by `nixlima ssh-config sync`: edits here are lost; put your own",
    "# settings in your ssh config.",
  ];
  const includes = [...vms]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((vm) => `Include ${sshConfigPathArg(limaSshConfigPath(vm), home)}`);
  return [...header, ...includes].map((l) => `${l}\n`).join("");
}

/** What Lima's ssh.config says the host is; undefined while the file does not exist (never started). */
export interface LimaHost {
  hostname?: string;
  port?: string;
  user?: string;
  identityFile?: string;
}

export async function readLimaHost(vm: SshVm): Promise<LimaHost | undefined> {
  let text: string;
  try {
    text = await readFile(limaSshConfigPath(vm), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const section = parse(text).find({ Host: vmAlias(vm) });
  const host: LimaHost = {};
  if (section === undefined || !("config" in section)) return host;
  for (const line of section.config) {
    if (line.type !== LineType.DIRECTIVE) continue;
    const value = typeof line.value === "string" ? line.value : line.value[0]?.val;
    const key = line.param.toLowerCase();
    // First value wins, as in ssh.
    if (key === "hostname") host.hostname ??= value;
    else if (key === "port") host.port ??= value;
    else if (key === "user") host.user ??= value;
    else if (key === "identityfile") host.identityFile ??= value;
  }
  return host;
}
