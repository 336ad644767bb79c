// `nixlima ssh-config sync|status|remove`: makes every VM reachable as `lima-NAME` from plain
// ssh, scp, rsync and Remote-SSH, through one managed Include in the user's ssh config.
import { NixlimaError } from "../../errors";
import { listVms } from "../../lima/list";
import { removeSshConfig, sshConfigStatus, syncSshConfig, type HostCheck, type RemoveResult, type StatusResult, type SyncResult } from "../../ssh";
import type { CliCommand, CliIO } from "../command";
import { EXIT_FAILURE, EXIT_OK, locateLimactl, parseCommandArgs, reportError } from "../support";

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
    try {
      const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" }, config: { type: "string" } });
      const [action, ...extra] = positionals;
      if (action !== "sync" && action !== "status" && action !== "remove") {
        throw new NixlimaError("usage", action === undefined ? "Say sync, status or remove." : `Unknown action ${JSON.stringify(action)}: say sync, status or remove.`);
      }
      if (extra.length > 0) throw new NixlimaError("usage", `Unexpected argument ${JSON.stringify(extra[0])}.`);
      const json = values.json === true;
      const base = { ...(values.config ? { userConfigPath: values.config } : {}), env: io.env };
      if (action === "remove") {
        print(io, json, await removeSshConfig(base), describeRemove);
        return EXIT_OK;
      }
      const vms = await listVms(await locateLimactl(io.env));
      if (action === "sync") {
        const result = await syncSshConfig({ ...base, vms });
        print(io, json, result, describeSync);
        return result.hosts.some((h) => h.state === "mismatch") ? EXIT_FAILURE : EXIT_OK;
      }
      const result = await sshConfigStatus({ ...base, vms });
      print(io, json, result, describeStatus);
      return result.inSync ? EXIT_OK : EXIT_FAILURE;
    } catch (err) {
      return reportError(io, err, usage);
    }
  },
};

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
