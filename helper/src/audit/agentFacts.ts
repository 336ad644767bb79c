// What nixlima knows about the agents in a guest. The truth is in the guest: nixlima's agent
// module describes itself in /etc/nixlima/agent.json (world-readable, no secrets), read over
// ssh while the VM runs. The host's lima.yaml cannot know it (the image decides), so the last
// reading is kept in the instance folder for audits of a stopped VM, together with the time
// nixlima last dispatched an agent there (dispatch always uses the agents' bypass flags).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../fsutil/atomicWrite";
import { SandboxProof, type AgentFacts, type Vm } from "../protocol";
import { runGuestScript } from "../dispatch/guestSsh";
import { readSandboxProof } from "./sandboxProof";

export const GUEST_FACTS_PATH = "/etc/nixlima/agent.json";
/** Lives in the instance folder, so `limactl delete` removes it with the VM. */
export const CACHE_FILE = "nixlima-agent.json";

/** The file the agent module writes (see the report: `environment.etc."nixlima/agent.json"`). */
const GuestFile = z.object({
  user: z.string().optional(),
  agents: z.array(z.string()).optional(),
  autonomousMode: z.boolean().optional(),
  egress: z.object({ allow: z.array(z.string()) }).optional(),
});

const Cache = z.object({
  guest: z.object({ seenAt: z.number(), facts: GuestFile.nullable(), proof: SandboxProof.optional() }).optional(),
  lastDispatchAt: z.number().optional(),
});
type Cache = z.infer<typeof Cache>;

const READ_SCRIPT = `f=$1; if [ -r "$f" ]; then cat -- "$f"; else echo null; fi`;

async function readCache(dir: string): Promise<Cache> {
  try {
    return Cache.parse(JSON.parse(await readFile(join(dir, CACHE_FILE), "utf8")));
  } catch {
    return {};
  }
}

async function writeCache(dir: string, cache: Cache): Promise<void> {
  await writeFileAtomic(join(dir, CACHE_FILE), Buffer.from(`${JSON.stringify(cache)}\n`), { newFileMode: 0o644 });
}

/** Records that nixlima ran an agent autonomously in this VM. */
export async function recordDispatch(vm: Vm, at = Date.now()): Promise<void> {
  const cache = await readCache(vm.dir);
  await writeCache(vm.dir, { ...cache, lastDispatchAt: at });
}

/** Reads the guest's facts when it runs (and remembers them), else the last ones remembered. */
export async function agentFacts(vm: Vm, onProblem?: (message: string) => void): Promise<AgentFacts> {
  const cache = await readCache(vm.dir);
  if (vm.status === "Running") {
    try {
      const text = await runGuestScript(vm, READ_SCRIPT, [GUEST_FACTS_PATH], 30_000);
      const facts = GuestFile.nullable().parse(JSON.parse(text));
      // agent.json says what was configured; the guest must still show it (sandboxProof.ts).
      const proof = facts?.user ? await readSandboxProof(vm, facts.user, GUEST_FACTS_PATH) : undefined;
      cache.guest = { seenAt: Date.now(), facts, ...(proof ? { proof } : {}) };
      await writeCache(vm.dir, cache);
      return toFacts(cache, "guest");
    } catch (err) {
      onProblem?.(`could not read ${GUEST_FACTS_PATH} in ${vm.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return toFacts(cache, cache.guest ? "cache" : "none");
}

function toFacts(cache: Cache, from: "guest" | "cache" | "none"): AgentFacts {
  const g = cache.guest?.facts ?? undefined;
  const dispatched = cache.lastDispatchAt !== undefined;
  const source = g ? from : dispatched ? "dispatch" : from === "guest" ? "guest" : "none";
  const facts: AgentFacts = { source };
  if (cache.guest) facts.seenAt = cache.guest.seenAt;
  if (g?.user) facts.user = g.user;
  if (g?.agents) facts.agents = g.agents;
  if (g?.autonomousMode !== undefined || dispatched) facts.autonomousMode = (g?.autonomousMode ?? false) || dispatched;
  if (g?.egress) facts.egressAllow = g.egress.allow;
  if (dispatched) facts.lastDispatchAt = cache.lastDispatchAt;
  if (g && cache.guest?.proof) facts.proof = cache.guest.proof;
  return facts;
}
