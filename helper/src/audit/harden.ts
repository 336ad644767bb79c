// `nixlima harden VM`: edits the instance's lima.yaml so the VM stops exposing the host — home
// folder mounts removed (read-only is not enough: the guest could read ~/.ssh and credentials),
// SSH agent forwarding off, ~/.ssh keys not loaded. Only while the VM is stopped (Lima reads
// lima.yaml at start), with the `yaml` Document API so the user's comments stay, checked by
// `limactl validate` before the file is replaced.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";
import { NixlimaError } from "../errors";
import { writeFileAtomic } from "../fsutil/atomicWrite";
import type { Limactl } from "../lima/limactl";
import type { HardenResult } from "../protocol";
import { readEffectiveConfig } from "./effectiveConfig";
import { homedir } from "node:os";
import { exposesHome } from "../shared/homeMounts";

export interface HardenOptions {
  /** Only say what would change. */
  dryRun?: boolean;
  home?: string;
}

export async function hardenVm(l: Limactl, name: string, opts: HardenOptions = {}, signal?: AbortSignal): Promise<HardenResult> {
  const { config } = await readEffectiveConfig(l, name, signal);
  if (config.status !== "Stopped") {
    const fix = config.status === "Running" ? `Stop it first with \`nixlima stop ${name}\`, then harden it.` : `Repair or delete it first (\`nixlima list\` shows why).`;
    throw new NixlimaError(config.status === "Running" ? "already-running" : "failed", `VM \`${name}\` is ${config.status.toLowerCase()}; nixlima hardens only a stopped VM.`, fix);
  }
  const file = join(config.dir, "lima.yaml");
  const text = await readFile(file, "utf8");
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new NixlimaError("failed", `${file} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`, "Fix the file by hand, then run harden again.");
  }

  const changes: string[] = [];
  const removed = new Set<string>();
  const mounts = doc.get("mounts", true);
  if (isSeq(mounts)) {
    for (let i = mounts.items.length - 1; i >= 0; i--) {
      const item = mounts.items[i];
      const location = isMap(item) ? item.get("location") : undefined;
      if (typeof location === "string" && exposesHome(location, opts.home ?? homedir())) {
        mounts.delete(i);
        removed.add(location);
        changes.unshift(`remove the mount of ${location} (it exposes your home folder)`);
      }
    }
  }
  for (const key of ["forwardAgent", "loadDotSSHPubKeys"] as const) {
    if (config[key] || doc.getIn(["ssh", key]) === true) {
      doc.setIn(["ssh", key], false);
      changes.push(`set ssh.${key}: false`);
    }
  }

  if (changes.length > 0 && !opts.dryRun) {
    const updated = doc.toString();
    await validate(l, config.dir, updated, signal);
    await writeFileAtomic(file, Buffer.from(updated));
  }

  // Lima merges _config/default.yaml and override.yaml over lima.yaml: say what is still exposed.
  const after = opts.dryRun ? config : (await readEffectiveConfig(l, name, signal)).config;
  const remaining = [
    ...after.mounts.filter((m) => exposesHome(m.location, opts.home ?? homedir()) && !removed.has(m.location)).map((m) => `the mount of ${m.location} comes from Lima's default.yaml or override.yaml in $LIMA_HOME/_config; remove it there`),
    ...(!opts.dryRun && after.forwardAgent ? ["ssh.forwardAgent is still on: $LIMA_HOME/_config/override.yaml sets it; remove it there"] : []),
    ...(!opts.dryRun && after.loadDotSSHPubKeys ? ["ssh.loadDotSSHPubKeys is still on: $LIMA_HOME/_config/override.yaml sets it; remove it there"] : []),
    "the guest's network is not limited by lima.yaml: use a nixlima agent image (services.nixlima.agent.egress.allow) to restrict where agents connect",
  ];
  return { vm: name, changed: changes.length > 0 && !opts.dryRun, changes, remaining };
}

/** `limactl validate` on a copy beside lima.yaml (relative paths resolve the same way). */
async function validate(l: Limactl, dir: string, yamlText: string, signal?: AbortSignal): Promise<void> {
  const candidate = join(dir, "nixlima-harden.yaml");
  await writeFile(candidate, yamlText, { mode: 0o600 });
  try {
    await l.run(["validate", candidate], { signal, timeoutMs: 60_000 });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new NixlimaError("failed", `The hardened lima.yaml would not be valid (${why}); nothing was changed.`, "Report this; meanwhile edit lima.yaml by hand.");
  } finally {
    await rm(candidate, { force: true });
  }
}
