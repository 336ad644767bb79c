// `status`: what sync would find, without writing anything (no lock needed: reads only).
import { readFile } from "node:fs/promises";
import { readIfExists } from "../fsutil/atomicWrite";
import { blockLines, scanBlock } from "./managedBlock";
import { hasManualInclude } from "./manualInclude";
import { accountHome } from "./paths";
import { resolveRequest, type SshConfigRequest, type StatusResult } from "./request";
import { resolveTarget } from "./target";
import { checkVmHosts } from "./verify";
import { renderNixlimaConfig } from "./vmHosts";

export async function sshConfigStatus(req: SshConfigRequest): Promise<StatusResult> {
  const r = resolveRequest(req);
  const target = await resolveTarget(r.userConfigPath, req.readOnlyStores);
  const content = target.exists ? await readFile(target.realPath, "latin1") : "";
  const scan = scanBlock(content);
  let block: StatusResult["block"];
  if (scan.markerProblem !== undefined) block = "bad-markers";
  else if (scan.block !== undefined) {
    const wanted = blockLines(r.includeArg, scan.eol).map((l) => l.text);
    const current = scan.lines.slice(scan.block.start, scan.block.end + 1).map((l) => l.text);
    if (scan.firstSection !== -1 && scan.firstSection < scan.block.start) block = "scoped";
    else block = wanted.join("\n") === current.join("\n") ? "current" : "outdated";
  } else block = hasManualInclude(scan, r.nixlimaConfigPath, accountHome()) ? "manual" : "absent";

  const onDisk = await readIfExists(r.nixlimaConfigPath);
  const nixlimaConfigCurrent = onDisk !== undefined && onDisk.toString("utf8") === renderNixlimaConfig(r.vms);
  const hosts = block === "current" || block === "manual" ? await checkVmHosts(r.vms, target.exists ? target.path : undefined, r.resolver) : [];
  return {
    userConfigPath: r.userConfigPath,
    realPath: target.realPath,
    exists: target.exists,
    writable: target.readOnlyReason === undefined,
    ...(target.readOnlyReason !== undefined ? { readOnlyReason: target.readOnlyReason } : {}),
    block,
    ...(scan.markerProblem !== undefined ? { markerProblem: scan.markerProblem } : {}),
    nixlimaConfigPath: r.nixlimaConfigPath,
    nixlimaConfigCurrent,
    hosts,
    inSync: (block === "current" || block === "manual") && nixlimaConfigCurrent && hosts.every((h) => h.state !== "mismatch"),
    manualLine: r.manualLine,
  };
}
