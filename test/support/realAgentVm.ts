// The set-up the real-CLI VM tests share (helper/test/agents/claude.vm, codex.vm, opencode.vm):
// the real test guest booted with the real limactl, made an agent sandbox from what nixlima's
// agent module renders (agentGuest.ts), with the real CLI's binaries copied in (agentCli.ts),
// and destroyed after; a fresh host repository with a prompt beside it for each dispatch; and the
// checks every one of them makes of the branch that comes back.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { stringify } from "yaml";
import { evalProfile } from "../../helper/test/nix/evalModules";
import { tempNix } from "../../helper/test/nix/nixEnv";
import { installAgentSandbox, type GuestShell } from "./agentGuest";
import { installRealAgent, type RealAgent } from "./agentCli";
import { BUDGET_PROBE, BUDGET_PROBE_PATH } from "./budgetProbe";
import { hostRepoWithHooks, type HostRepo } from "./hostRepo";
import { tempLimaHome } from "./lima";
import { testVmConfig } from "./testVm";
import { bootTestVm, destroyInstance, guestShell, secondsSince } from "./testVmRun";

export interface RealAgentVmOptions {
  /** The Lima instance's name. */
  name: string;
  agent: RealAgent;
  /** Lima's host resolver entries (a name off the egress allow list, for one). */
  hosts?: Record<string, string>;
  /** Installs the budget probe (budgetProbe.ts) for a test of the budget stop. */
  budgetProbe?: boolean;
}

export interface RealAgentVm {
  limaHome: string;
  /** Runs bash in the guest as Lima's user. */
  guest: GuestShell;
  /** A fresh host repository (hooks planted) with one commit, its base and a prompt file beside it. */
  newRepo(): { repo: HostRepo; base: string; prompt: string };
}

/** Registers the before() that boots and equips the guest and the after() that destroys it. */
export function realAgentVm(o: RealAgentVmOptions): RealAgentVm {
  const label = `real ${o.agent}`;
  const lima = tempLimaHome();
  const nix = tempNix();
  const repos: HostRepo[] = [];
  const guest: GuestShell = (script, input) => guestShell(lima.dir, o.name, script, input);

  before(async () => {
    const rendered = await evalProfile(nix.env, "agent", {});
    const config = { ...testVmConfig({}), ...(o.hosts ? { hostResolver: { hosts: o.hosts } } : {}) };
    await bootTestVm(lima.dir, o.name, label, stringify(config));
    await installAgentSandbox(guest, rendered);
    if (o.budgetProbe) await guest(`sudo tee ${BUDGET_PROBE_PATH} > /dev/null && sudo chmod 755 ${BUDGET_PROBE_PATH}`, BUDGET_PROBE);
    const start = performance.now();
    await installRealAgent(lima.dir, o.name, o.agent);
    console.log(`${label}: binaries copied into the guest in ${secondsSince(start)} s`);
  });

  after(async () => {
    await destroyInstance(lima.dir, o.name);
    lima.dispose();
    nix.dispose();
    for (const r of repos) r.dispose();
  });

  return {
    limaHome: lima.dir,
    guest,
    newRepo() {
      const repo = hostRepoWithHooks({ "notes.txt": "start\n" });
      repos.push(repo);
      const prompt = join(repo.root, "..", "PROMPT.md");
      writeFileSync(prompt, "Do the scripted task.\n");
      return { repo, base: repo.git("rev-parse", "HEAD").trim(), prompt };
    },
  };
}

/** Waits until `held` settles (the model got the request it holds), failing if the dispatch ends first. */
export async function untilHeld(held: Promise<void>, running: Promise<{ stdout: string; stderr: string }>, agent: RealAgent): Promise<void> {
  const first = await Promise.race([held.then(() => undefined), running]);
  if (first) assert.fail(`the dispatch ended before ${agent} asked for the held step:\n${first.stdout}${first.stderr}`);
}

/**
 * The work came back: the dispatch printed its branch nixlima/VM/TASK, which differs from `base`
 * by exactly `file` holding `content`, and no planted hook ran in the host repository.
 */
export function assertBranchHolds(stdout: string, vm: string, r: { repo: HostRepo; base: string }, file: string, content: string): void {
  const branch = new RegExp(`on branch (nixlima/${vm}/[0-9a-f]{8}) of `).exec(stdout)?.[1];
  assert.ok(branch, stdout);
  assert.deepEqual(r.repo.git("diff", "--name-only", r.base, branch).trim().split("\n"), [file]);
  assert.equal(r.repo.git("show", `${branch}:${file}`), content);
  assert.equal(r.repo.hookRuns(), "");
}
