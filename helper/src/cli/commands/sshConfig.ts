// `nixlima ssh-config sync|status|remove`: makes every VM reachable as `lima-NAME` from plain
// ssh, scp, rsync and Remote-SSH, through one managed Include in the user's ssh config.
import { toHelperError } from "../../errors";
import { Limactl } from "../../lima/limactl";
import { listVms } from "../../lima/list";
import { removeSshConfig, sshConfigStatus, syncSshConfig, type HostCheck, type RemoveResult, type StatusResult, type SyncResult } from "../../ssh";
import type { CliCommand, CliIO } from "../command";

const usage = [
  "nixlima ssh-config sync [--json] [--config PATH]     add or update the Include and every VM's host",
  "nixlima ssh-config status [--json] [--config PATH]   show what sync would do and how each VM resolves",
  "nixlima ssh-config remove [--json] [--config PATH]   take out everything nixlima added",
  "  --config PATH   the ssh config Remote-SSH reads (remote.SSH.configFile); default ~/.ssh/config",
  "  NIXLIMA_SSH_DIR overrides the folder of nixlima's own ssh file (default ~/.config/nixlima/ssh)",
].join("\n");

export const sshConfigCommand: CliCommand = {
  name: "ssh-config",
  summary: "Make every VM reachable as lima-NAME from ssh and Remote-SSH (sync, status, remove)",
  usage,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (typeof parsed === "string") {
      io.stderr.write(`nixlima ssh-config: ${parsed}\n${usage}\n`);
      return 2;
    }
    const { action, json, config } = parsed;
    const base = { ...(config ? { userConfigPath: config } : {}), env: io.env };
    try {
      if (action === "remove") {
        const result = await removeSshConfig(base);
        print(io, json, result, describeRemove);
        return 0;
      }
      const vms = await listVms(await Limactl.locate({ path: io.env.NIXLIMA_LIMACTL || undefined }, io.env));
      if (action === "sync") {
        const result = await syncSshConfig({ ...base, vms });
        print(io, json, result, describeSync);
        return result.hosts.some((h) => h.state === "mismatch") ? 1 : 0;
      }
      const result = await sshConfigStatus({ ...base, vms });
      print(io, json, result, describeStatus);
      return result.inSync ? 0 : 1;
    } catch (err) {
      const e = toHelperError(err);
      if (json) io.stdout.write(`${JSON.stringify({ error: e })}\n`);
      else io.stderr.write(`nixlima ssh-config: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ""}`);
      return 1;
    }
  },
};

function parseArgs(args: string[]): { action: "sync" | "status" | "remove"; json: boolean; config?: string } | string {
  let action: "sync" | "status" | "remove" | undefined;
  let json = false;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--config") {
      config = args[++i];
      if (!config) return "--config needs a path.";
    } else if (a.startsWith("--config=")) config = a.slice("--config=".length);
    else if ((a === "sync" || a === "status" || a === "remove") && action === undefined) action = a;
    else return `unexpected argument ${JSON.stringify(a)}.`;
  }
  if (action === undefined) return "say sync, status or remove.";
  return { action, json, ...(config ? { config } : {}) };
}

function print<T>(io: CliIO, json: boolean, result: T, describe: (r: T) => string[]): void {
  io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : describe(result).map((l) => `${l}\n`).join(""));
}

function describeHost(h: HostCheck): string {
  if (h.state === "not-started") return `  ${h.alias}: not started yet (the host appears on its first start)`;
  if (h.state === "mismatch") return `  ${h.alias}: WRONG — ${h.problem}`;
  const r = h.resolved ?? {};
  return `  ${h.alias}: ok (${r.user}@${r.hostname}:${r.port}, key ${r.identityFile})`;
}

function describeSync(r: SyncResult): string[] {
  const block = { inserted: "Include added at the top", updated: "Include updated", moved: "Include moved to the top", unchanged: "unchanged", manual: "your own Include line is in place" }[r.block];
  return [
    `${r.userConfigPath}: ${block}${r.userConfigChanged ? "" : " (not written)"}`,
    `${r.nixlimaConfigPath}: ${r.nixlimaConfigChanged ? "updated" : "unchanged"}`,
    ...r.hosts.map(describeHost),
    `Checked ${r.othersChecked.length} other host name(s) with ssh -G: all resolve as before.`,
  ];
}

function describeStatus(r: StatusResult): string[] {
  const block = {
    current: "nixlima's Include is in place and first",
    outdated: "nixlima's block is there but out of date: run `nixlima ssh-config sync`",
    scoped: "nixlima's block is below a Host or Match line, where ssh ignores it: run `nixlima ssh-config sync`",
    absent: "no nixlima Include: run `nixlima ssh-config sync`",
    manual: "your own Include line is in place",
    "bad-markers": `the nixlima markers are damaged (${r.markerProblem}): remove them by hand`,
  }[r.block];
  return [
    `${r.userConfigPath}${r.realPath !== r.userConfigPath ? ` (-> ${r.realPath})` : ""}: ${block}`,
    ...(r.writable ? [] : [`  not writable by nixlima: ${r.readOnlyReason}; add this line at its top yourself: ${r.manualLine}`]),
    `${r.nixlimaConfigPath}: ${r.nixlimaConfigCurrent ? "up to date" : "out of date: run `nixlima ssh-config sync`"}`,
    ...r.hosts.map(describeHost),
  ];
}

function describeRemove(r: RemoveResult): string[] {
  const block = {
    removed: r.deletedUserConfig ? "deleted (nixlima had created it)" : "nixlima's block removed",
    absent: "had no nixlima block",
    manual: `has your own line "${r.manualLine}": remove it yourself`,
  }[r.block];
  return [`${r.userConfigPath}: ${block}`, `${r.nixlimaConfigPath}: ${r.deletedNixlimaConfig ? "deleted" : "was not there"}`];
}
