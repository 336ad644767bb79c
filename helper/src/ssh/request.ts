// The inputs every ssh-config operation takes, resolved once, and the shapes it reports back.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { defaultNixlimaSshDir, defaultUserSshConfig, nixlimaConfigName, sshConfigPathArg } from "./paths";
import { sshResolver, type Resolver } from "./sshResolve";
import { limaSshConfigPath } from "../shared/limaSsh";
import type { SshVm } from "./vmHosts";

export interface SshConfigRequest {
  /** The config Remote-SSH reads (`remote.SSH.configFile`); default ~/.ssh/config. A leading `~/` is expanded. */
  userConfigPath?: string;
  vms: SshVm[];
  /** nixlima's own ssh folder; default $NIXLIMA_SSH_DIR, else ~/.config/nixlima/ssh. */
  nixlimaDir?: string;
  /** The OpenSSH client used to check the result; default `ssh` on PATH. */
  sshPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Path prefixes of read-only stores a config may link into (default /nix/store/, /gnu/store/). */
  readOnlyStores?: string[];
}

export interface Resolved {
  userConfigPath: string;
  nixlimaDir: string;
  nixlimaConfigPath: string;
  /** The one line that makes ssh read nixlima's hosts: what the block holds, and what to add by hand. */
  manualLine: string;
  includeArg: string;
  resolver: Resolver;
  /** The VMs that have an instance folder (Lima may list a broken one without). */
  vms: SshVm[];
}

export function resolveRequest(req: SshConfigRequest): Resolved {
  const raw = req.userConfigPath || defaultUserSshConfig();
  const userConfigPath = raw.startsWith("~/") ? join(homedir(), raw.slice(2)) : raw;
  const nixlimaDir = req.nixlimaDir ?? defaultNixlimaSshDir(req.env);
  const nixlimaConfigPath = join(nixlimaDir, nixlimaConfigName);
  const includeArg = sshConfigPathArg(nixlimaConfigPath);
  return {
    userConfigPath,
    nixlimaDir,
    nixlimaConfigPath,
    includeArg,
    manualLine: `Include ${includeArg}`,
    resolver: sshResolver(req.sshPath),
    vms: req.vms.filter((vm) => isAbsolute(limaSshConfigPath(vm))),
  };
}

export interface ResolvedHost {
  hostname?: string;
  port?: string;
  user?: string;
  identityFile?: string;
}

/** What `ssh -G lima-NAME` gives through the user's config, against what Lima says it should. */
export interface HostCheck {
  vm: string;
  alias: string;
  limaSshConfig: string;
  /** ok; not-started: Lima has not written its ssh.config yet; mismatch: see problem. */
  state: "ok" | "not-started" | "mismatch";
  expected?: ResolvedHost;
  resolved?: ResolvedHost;
  problem?: string;
}

export interface SyncResult {
  userConfigPath: string;
  /** The file actually written (the link's target when the config is a symlink). */
  realPath: string;
  nixlimaConfigPath: string;
  /** What happened to the managed block; "manual" when the user's own Include line is already there. */
  block: "inserted" | "updated" | "moved" | "unchanged" | "manual";
  userConfigChanged: boolean;
  nixlimaConfigChanged: boolean;
  createdUserConfig: boolean;
  hosts: HostCheck[];
  /** Every other host checked with `ssh -G`, all unchanged (a change is rolled back and thrown). */
  othersChecked: string[];
  manualLine: string;
}

export interface RemoveResult {
  userConfigPath: string;
  realPath: string;
  nixlimaConfigPath: string;
  block: "removed" | "absent" | "manual";
  userConfigChanged: boolean;
  deletedUserConfig: boolean;
  deletedNixlimaConfig: boolean;
  manualLine: string;
}

export interface StatusResult {
  userConfigPath: string;
  realPath: string;
  exists: boolean;
  writable: boolean;
  readOnlyReason?: string;
  /** current: block present, up to date, before every Host/Match; outdated: present, other content; scoped: below a Host/Match line (ssh ignores it for lima-* hosts); manual: the user's own Include line; bad-markers: see markerProblem. */
  block: "current" | "outdated" | "scoped" | "absent" | "manual" | "bad-markers";
  markerProblem?: string;
  nixlimaConfigPath: string;
  nixlimaConfigCurrent: boolean;
  hosts: HostCheck[];
  /** True when a sync would change nothing and every started VM resolves right. */
  inSync: boolean;
  manualLine: string;
}
