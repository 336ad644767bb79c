// `sync` and `remove`: the only code that writes the user's ssh config. Under a lock (two
// nixlima processes never interleave a read-modify-write), atomically, and checked with the real
// `ssh -G` afterwards; a write that changed any other host is rolled back before reporting.
import { readFile, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { NixlimaError } from "../errors";
import { readIfExists, writeFileAtomic } from "../fsutil/atomicWrite";
import { withFileLock } from "../fsutil/lock";
import { hasManualInclude } from "./manualInclude";
import { assertMarkersSound, scanBlock, withBlock, withoutBlock } from "./managedBlock";
import { accountHome } from "./paths";
import { probeHosts, unrelatedProbe } from "./probeHosts";
import { resolveRequest, type RemoveResult, type Resolved, type SshConfigRequest, type SyncResult } from "./request";
import { resolveTarget, type ConfigTarget } from "./target";
import { checkVmHosts, differences, resolveAll, resolveCandidate, resolveContent } from "./verify";
import { renderNixlimaConfig, vmAlias } from "./vmHosts";

const createdListName = "created-configs.json";

export async function syncSshConfig(req: SshConfigRequest): Promise<SyncResult> {
  const r = resolveRequest(req);
  return withFileLock(join(r.nixlimaDir, ".lock"), async () => {
    const target = await resolveTarget(r.userConfigPath, req.readOnlyStores);
    const original = target.exists ? await readFile(target.realPath) : undefined;
    const scan = scanBlock(original?.toString("latin1") ?? "");
    const manual = scan.block === undefined && hasManualInclude(scan, r.nixlimaConfigPath, accountHome());
    if (!manual) assertMarkersSound(scan);
    if (original !== undefined) await assertSshReads(r, target);

    const rendered = Buffer.from(renderNixlimaConfig(r.vms), "utf8");
    if (!manual && target.readOnlyReason !== undefined) {
      // nixlima's own file first, so the line the user is told to add works at once.
      await writeFileAtomic(r.nixlimaConfigPath, rendered);
      refuseReadOnly(target, r);
    }
    const own = Buffer.from(withoutBlock(scan).text, "latin1");
    const probes = (await probeHosts(own.toString("latin1"), { skipFiles: [r.nixlimaConfigPath] })).filter(
      (h) => !r.vms.some((vm) => vmAlias(vm) === h),
    );
    const before = await resolveContent(original === undefined ? undefined : own, probes, r.nixlimaDir, r.resolver);
    const next = manual ? undefined : withBlock(scan, r.includeArg);
    const oldNixlima = await readIfExists(r.nixlimaConfigPath);
    const nothingToWrite = next?.action === "unchanged" && oldNixlima?.equals(rendered) === true;
    if (next !== undefined && !nothingToWrite) {
      // A dry run before any write: the new config, Including a copy of nixlima's new file.
      const dry = await resolveCandidate((arg) => Buffer.from(withBlock(scan, arg).text, "latin1"), rendered, probes, r.nixlimaDir, r.resolver);
      refuseIfChanged(differences(before, dry), r, false);
    }

    const nixlimaConfigChanged = await writeFileAtomic(r.nixlimaConfigPath, rendered);
    const userConfigChanged = next ? await writeFileAtomic(target.realPath, Buffer.from(next.text, "latin1")) : false;
    const changed = differences(before, await resolveAll(probes, target.path, r.resolver));
    if (changed.length > 0) {
      if (userConfigChanged) await restore(target.realPath, original);
      if (nixlimaConfigChanged) await restore(r.nixlimaConfigPath, oldNixlima);
      refuseIfChanged(changed, r, true);
    }
    const createdUserConfig = original === undefined && userConfigChanged;
    if (createdUserConfig) await recordCreated(r, target.realPath);
    return {
      userConfigPath: r.userConfigPath,
      realPath: target.realPath,
      nixlimaConfigPath: r.nixlimaConfigPath,
      block: next ? (next.action as SyncResult["block"]) : "manual",
      userConfigChanged,
      nixlimaConfigChanged,
      createdUserConfig,
      hosts: await checkVmHosts(r.vms, target.path, r.resolver),
      othersChecked: probes,
      manualLine: r.manualLine,
    };
  });
}

export async function removeSshConfig(req: Omit<SshConfigRequest, "vms"> & { vms?: SshConfigRequest["vms"] }): Promise<RemoveResult> {
  const r = resolveRequest({ ...req, vms: req.vms ?? [] });
  const result = await withFileLock(join(r.nixlimaDir, ".lock"), async (): Promise<RemoveResult> => {
    const target = await resolveTarget(r.userConfigPath, req.readOnlyStores);
    const original = target.exists ? await readFile(target.realPath) : undefined;
    const scan = scanBlock(original?.toString("latin1") ?? "");
    const next = withoutBlock(scan);
    const base = { userConfigPath: r.userConfigPath, realPath: target.realPath, nixlimaConfigPath: r.nixlimaConfigPath, manualLine: r.manualLine };
    let userConfigChanged = false;
    let deletedUserConfig = false;
    if (next.action === "removed") {
      refuseReadOnly(target, r, "remove");
      const created = await readCreated(r);
      if (next.text === "" && created.includes(target.realPath)) {
        await unlink(target.realPath);
        deletedUserConfig = true;
      } else {
        userConfigChanged = await writeFileAtomic(target.realPath, Buffer.from(next.text, "latin1"));
      }
    }
    const deletedNixlimaConfig = await unlink(r.nixlimaConfigPath).then(() => true, () => false);
    await forgetCreated(r, target.realPath);
    // A line the user added by hand is theirs to remove; the file it points to goes (ssh ignores a missing Include).
    const manual = next.action === "absent" && hasManualInclude(scan, r.nixlimaConfigPath, accountHome());
    const block = next.action === "removed" ? "removed" : manual ? "manual" : "absent";
    return { ...base, block, userConfigChanged, deletedUserConfig, deletedNixlimaConfig };
  });
  await rmdir(r.nixlimaDir).catch(() => undefined); // only when empty: never someone else's lock
  return result;
}

function refuseReadOnly(target: ConfigTarget, r: Resolved, verb: "sync" | "remove" = "sync"): void {
  if (target.readOnlyReason === undefined) return;
  const isStore = target.readOnlyReason.includes("read-only store");
  const what = verb === "sync" ? `add this line at the top of it yourself: ${r.manualLine}` : `remove the nixlima block from it yourself`;
  throw new NixlimaError(
    "failed",
    `nixlima will not change ${r.userConfigPath} because ${target.readOnlyReason}; ${what}.`,
    isStore && verb === "sync" ? `With home-manager: programs.ssh.includes = [ ${r.includeArg} ];` : r.manualLine,
  );
}

function refuseIfChanged(changed: string[], r: Resolved, written: boolean): void {
  if (changed.length === 0) return;
  throw new NixlimaError(
    "failed",
    `Adding nixlima's Include would change how ssh resolves ${changed.join(", ")}, so nixlima ${written ? `put ${r.userConfigPath} back as it was` : `left ${r.userConfigPath} as it is`}; add "${r.manualLine}" where it suits your config yourself.`,
  );
}

async function assertSshReads(r: Resolved, target: ConfigTarget): Promise<void> {
  const out = (await resolveAll([unrelatedProbe], target.path, r.resolver)).get(unrelatedProbe)!;
  if (out.startsWith("error:")) {
    throw new NixlimaError("failed", `ssh cannot read ${r.userConfigPath} as it is (${out.slice(7)}); fix that first, then sync again.`);
  }
}

async function restore(path: string, previous: Buffer | undefined): Promise<void> {
  if (previous === undefined) await unlink(path).catch(() => undefined);
  else await writeFileAtomic(path, previous);
}

async function readCreated(r: Resolved): Promise<string[]> {
  const raw = await readIfExists(join(r.nixlimaDir, createdListName));
  if (raw === undefined) return [];
  try {
    const list: unknown = JSON.parse(raw.toString("utf8"));
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

async function forgetCreated(r: Resolved, realPath: string): Promise<void> {
  const path = join(r.nixlimaDir, createdListName);
  const list = (await readCreated(r)).filter((p) => p !== realPath);
  if (list.length === 0) await unlink(path).catch(() => undefined);
  else await writeFileAtomic(path, Buffer.from(`${JSON.stringify(list)}\n`));
}

/** Remembers that nixlima created the user's config, so remove can take the file away again. */
async function recordCreated(r: Resolved, realPath: string): Promise<void> {
  const list = await readCreated(r);
  if (list.includes(realPath)) return;
  await writeFileAtomic(join(r.nixlimaDir, createdListName), Buffer.from(`${JSON.stringify([...list, realPath])}\n`));
}
