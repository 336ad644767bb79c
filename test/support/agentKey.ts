// What the real-CLI VM tests look at while an agent runs in the guest, and the one check that the
// real API key stayed on the host: in the guest only the task's token ever was.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { GuestShell } from "./agentGuest";
import { filesUnder } from "./files";

/** Every guest process's environment (read as root), and the command lines (user first) of `program`'s processes. */
export async function guestProcesses(guest: GuestShell, program: string): Promise<{ environ: string; commands: string[] }> {
  const environ = await guest(`sudo sh -c 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; echo; done' 2> /dev/null; true`);
  const ps = await guest("ps -eo user=,args=");
  const commands = ps.split("\n").map((l) => l.trim().replace(/\s+/g, " ")).filter((l) => new RegExp(`^\\S+ ${program} `).test(l));
  return { environ, commands };
}

export interface KeyPlaces {
  key: string;
  /** The variable the agent reads its key from; it must hold the task's token. */
  keyVariable: string;
  /** Every guest process's environment while the agent ran (guestProcesses). */
  environ: string;
  /** The CLI's own folder in the agent's home (it must exist, so the search covers its files). */
  cliDir: string;
  /** What the task printed. */
  log: string;
  limaHome: string;
}

/** The key is in no guest process's environment (the token is), no guest file, not in the task's log, nowhere under the Lima home. */
export async function assertKeyStayedOnHost(guest: GuestShell, p: KeyPlaces): Promise<void> {
  assert.match(p.environ, new RegExp(`^${p.keyVariable}=nixlima-task-[0-9a-f]{48}$`, "m"));
  assert.ok(!p.environ.includes(p.key), "the key was in a guest process's environment");
  assert.equal((await guest(`sudo test -d ${p.cliDir} && echo yes`)).trim(), "yes", "the CLI's own files, which the search below covers");
  const hits = await guest("sudo grep -rlF -f /dev/stdin /tmp /home /root /etc /var/log 2> /dev/null; true", `${p.key}\n`);
  assert.deepEqual(hits.trim().split("\n").filter(Boolean), []);
  assert.ok(!p.log.includes(p.key), "the key is in the task's log");
  assert.deepEqual(filesUnder(p.limaHome).filter((f) => readFileSync(f).includes(p.key)), []);
}
