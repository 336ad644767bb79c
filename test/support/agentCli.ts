// The real coding-agent CLIs that set-up step 50 (scripts/setup/50-agents.sh) installs from npm
// into .cache/agents: their native linux-x64 binaries, which run on the host and, copied in, on
// the Debian test guest (both glibc). Also the steps the scripted model (modelServer.ts) has the
// agent take in the tests: write a file, run a command that records who it is and whether sudo
// works, then say it is done.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lima";
import type { ScriptedToolUse } from "./modelServer";
import { limactl } from "./testVmRun";

const AGENTS = join(repoRoot, ".cache", "agents", "node_modules");
export const CLAUDE_BINARY = join(AGENTS, "@anthropic-ai", "claude-code-linux-x64", "claude");
export const CODEX_BINARY = join(AGENTS, "@openai", "codex-linux-x64", "vendor", "x86_64-unknown-linux-musl", "bin", "codex");
export const OPENCODE_BINARY = join(AGENTS, "opencode-linux-x64", "bin", "opencode");

/** The binary's path, or a clear error when set-up step 50 has not run. */
export function agentBinary(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/setup.sh 50 (installs the real agent CLIs).`);
  return path;
}

export const SCRIPTED_FILE = "hello.txt";
export const SCRIPTED_CONTENT = "written by the real agent CLI on the scripted model's word\n";
/** What the Bash step records in the agent's home (so not in its work): user and sudo. */
export const PROBE_FILE = "probe.txt";

/**
 * Write a file (Write), record user and sudo in ~/probe.txt (Bash), create the done marker (Bash).
 * With `holdUntil`, the Bash step then waits (at most 5 min) for that file to appear, so a test
 * can look at the guest while the agent still runs.
 */
export function scriptedSteps(holdUntil?: string): ScriptedToolUse[] {
  const hold = holdUntil ? `; n=0; while [ ! -e ${holdUntil} ] && [ $n -lt 600 ]; do sleep 0.5; n=$((n + 1)); done` : "";
  return [
    { name: "Write", input: (cwd) => ({ file_path: `${cwd}/${SCRIPTED_FILE}`, content: SCRIPTED_CONTENT }) },
    {
      name: "Bash",
      input: () => ({
        command: `{ echo "user:$(id -un)"; if sudo -n true 2> /dev/null; then echo sudo:yes; else echo sudo:no; fi; } > ~/${PROBE_FILE}${hold}`,
        description: "Record who runs this and whether sudo works",
      }),
    },
    { name: "Bash", input: () => ({ command: "touch .nixlima-done", description: "Say the task is done" }) },
  ];
}

/**
 * Puts the real claude binary (and the host's git, which the test guest lacks) into the running
 * test guest's /usr/local/bin. This copy stands in for the NixOS module's install (the agent
 * package in environment.systemPackages, on every user's PATH): no NixOS image builds here.
 */
export async function installRealClaude(limaHome: string, vm: string): Promise<void> {
  for (const [from, to] of [["/usr/bin/git", "git"], [agentBinary(CLAUDE_BINARY), "claude"]] as const) {
    // Written with cat, not tee: tee would echo the 400 MB binary back on stdout.
    const path = `/usr/local/bin/${to}`;
    const install = `cat > ${path}.part && chmod 755 ${path}.part && mv ${path}.part ${path}`;
    await limactl(limaHome, ["shell", vm, "--", "sudo", "sh", "-c", install], { input: readFileSync(from) as unknown as string, timeoutMs: 900_000 });
  }
}
