// Asks the real OpenSSH client what a host resolves to (`ssh -G`), the only reliable judge of
// what a config means (first-value-wins, Match, Include, canonicalisation).
import { execa } from "execa";
import { NixlimaError } from "../errors";

export interface Resolver {
  /** The `ssh -G` output for `host` read with `configPath` only; undefined config = no config at all. */
  resolve(host: string, configPath: string | undefined): Promise<string>;
}

export function sshResolver(sshPath = "ssh"): Resolver {
  return {
    async resolve(host, configPath) {
      const r = await execa(sshPath, ["-G", "-F", configPath ?? "/dev/null", "--", host], {
        reject: false,
        stdin: "ignore",
        timeout: 20_000,
        env: { LC_ALL: "C" },
      });
      if (r.failed && (r.exitCode === undefined || r.code === "ENOENT")) {
        throw new NixlimaError("failed", `Could not run ssh (${sshPath}) to check the ssh config; install the OpenSSH client.`);
      }
      if (r.exitCode !== 0) {
        const why = r.stderr.split("\n").filter((l) => l && !l.startsWith("Pseudo-terminal")).pop() ?? `exit code ${r.exitCode}`;
        return `error: ${why}`;
      }
      return r.stdout;
    },
  };
}

/** `ssh -G` output as option → values (options like identityfile repeat). */
export function parseResolved(out: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), m[2]!]);
  }
  return map;
}
