// The check after every write, with the real `ssh -G`: each VM alias resolves to what Lima wrote
// for it, and every other host resolves exactly as it does with the user's own content alone.
import { randomBytes } from "node:crypto";
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { aliasTwins } from "../shared/vmNames";
import { accountHome, sshConfigPathArg } from "./paths";
import type { HostCheck, ResolvedHost } from "./request";
import { mapLimit } from "../proc/pool";
import { parseResolved, type Resolver } from "./sshResolve";
import { limaSshConfigPath } from "../shared/limaSsh";
import { readLimaHost, vmAlias, type SshVm } from "./vmHosts";

const parallel = 4;

export async function checkVmHosts(vms: SshVm[], configPath: string | undefined, resolver: Resolver): Promise<HostCheck[]> {
  return mapLimit(vms, parallel, async (vm) => {
    const base = { vm: vm.name, alias: vmAlias(vm), limaSshConfig: limaSshConfigPath(vm) };
    // Not the user's config: two VM names Lima gives one alias, which ssh resolves to one of them.
    const twins = aliasTwins(vm.name, vms.map((v) => v.name));
    if (twins.length > 0) {
      return {
        ...base,
        state: "mismatch" as const,
        problem: `${base.alias} is also the alias of VM ${twins.map((t) => JSON.stringify(t)).join(", ")} (Lima writes '.' and '_' as '-'), so ssh ${base.alias} reaches only one of them; nixlima's own terminal and shell reach each by its ssh.config, and renaming one VM gives each its own alias.`,
      };
    }
    const expected = await readLimaHost(vm);
    if (expected === undefined) return { ...base, state: "not-started" as const };
    const out = await resolver.resolve(base.alias, configPath);
    if (out.startsWith("error:")) return { ...base, state: "mismatch" as const, expected, problem: `ssh -G ${base.alias} failed: ${out.slice(7)}` };
    const r = parseResolved(out);
    const resolved: ResolvedHost = {};
    for (const [k, key] of [["hostname", "hostname"], ["port", "port"], ["user", "user"], ["identityfile", "identityFile"]] as const) {
      const v = r.get(k)?.[0];
      if (v !== undefined) resolved[key] = v;
    }
    const problems: string[] = [];
    for (const key of ["hostname", "port", "user", "identityFile"] as const) {
      const want = expected[key];
      if (want !== undefined && normalise(key, resolved[key]) !== normalise(key, want)) {
        problems.push(`${key} is ${resolved[key] ?? "unset"} instead of ${want}`);
      }
    }
    if (vm.status === "Running" && vm.sshLocalPort && expected.port !== String(vm.sshLocalPort)) {
      problems.push(`Lima's ssh.config says port ${expected.port ?? "unset"} but the VM listens on ${vm.sshLocalPort}`);
    }
    if (problems.length === 0) return { ...base, state: "ok" as const, expected, resolved };
    return {
      ...base,
      state: "mismatch" as const,
      expected,
      resolved,
      problem: `${base.alias}: ${problems.join("; ")} (an earlier line in your ssh config wins: keep the nixlima block first)`,
    };
  });
}

function normalise(key: string, v: string | undefined): string | undefined {
  if (v === undefined || key !== "identityFile") return v;
  return v.startsWith("~/") ? join(accountHome(), v.slice(2)) : v;
}

/**
 * `ssh -G` of each probe read from `content` as a temporary copy (ssh resolves relative Includes
 * from ~/.ssh, not from the config's folder, so a copy means the same); undefined = no config.
 */
export async function resolveContent(content: Buffer | undefined, probes: string[], tempDir: string, resolver: Resolver): Promise<Map<string, string>> {
  if (content === undefined) return resolveAll(probes, undefined, resolver);
  const copy = await tempFile(tempDir, "config", content);
  try {
    return await resolveAll(probes, copy, resolver);
  } finally {
    await unlink(copy).catch(() => undefined);
  }
}

/** Like resolveContent for a config built around `includeArg`, the path of a copy of `nixlimaContent`. */
export async function resolveCandidate(
  build: (includeArg: string) => Buffer,
  nixlimaContent: Buffer,
  probes: string[],
  tempDir: string,
  resolver: Resolver,
): Promise<Map<string, string>> {
  const nixlimaCopy = await tempFile(tempDir, "hosts", nixlimaContent);
  try {
    return await resolveContent(build(sshConfigPathArg(nixlimaCopy)), probes, tempDir, resolver);
  } finally {
    await unlink(nixlimaCopy).catch(() => undefined);
  }
}

async function tempFile(dir: string, kind: string, content: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `.dry-run-${kind}-${randomBytes(4).toString("hex")}`);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

export async function resolveAll(hosts: string[], configPath: string | undefined, resolver: Resolver): Promise<Map<string, string>> {
  const outs = await mapLimit(hosts, parallel, (h) => resolver.resolve(h, configPath));
  return new Map(hosts.map((h, i) => [h, outs[i]!]));
}

/** Hosts whose resolution differs, each with its first differing line. */
export function differences(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [host, b] of before) {
    const a = after.get(host) ?? "";
    if (a === b) continue;
    const bl = b.split("\n");
    const al = a.split("\n");
    const i = bl.findIndex((l, j) => l !== al[j]);
    out.push(`${host} (was "${bl[i] ?? ""}", now "${al[i] ?? ""}")`);
  }
  return out;
}
