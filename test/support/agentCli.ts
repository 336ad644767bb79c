// The real coding-agent CLIs that set-up step 50 (scripts/setup/50-agents.sh) installs from npm
// into .cache/agents: their native linux-x64 binaries (claude's and opencode's for glibc, codex's
// static musl), which run on the host and, copied in, on the Debian test guest. Also the steps the scripted model (modelServer.ts) has the
// agent take in the tests: write a file, run a command that records who it is and whether sudo
// works, then say it is done.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./lima";
import type { ScriptedToolUse } from "./modelServer";
import { limactl } from "./testVmRun";

const AGENTS = join(repoRoot, ".cache", "agents", "node_modules");
export const CLAUDE_BINARY = join(AGENTS, "@anthropic-ai", "claude-code-linux-x64", "claude");
const CODEX_BIN = join(AGENTS, "@openai", "codex-linux-x64", "vendor", "x86_64-unknown-linux-musl", "bin");
export const CODEX_BINARY = join(CODEX_BIN, "codex");
/** The host process codex runs the model's JavaScript tool calls in, found beside its binary. */
const CODEX_CODE_MODE_HOST = join(CODEX_BIN, "codex-code-mode-host");
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
/** The shell command that records it: "user:NAME" and "sudo:yes|no" in ~/PROBE_FILE. */
export const PROBE_COMMAND = `{ echo "user:$(id -un)"; if sudo -n true 2> /dev/null; then echo sudo:yes; else echo sudo:no; fi; } > ~/${PROBE_FILE}`;

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
        command: `${PROBE_COMMAND}${hold}`,
        description: "Record who runs this and whether sudo works",
      }),
    },
    { name: "Bash", input: () => ({ command: "touch .nixlima-done", description: "Say the task is done" }) },
  ];
}

/** What each real CLI puts on PATH: its binary, and codex the host of its JavaScript tool calls beside it. */
const AGENT_FILES = {
  claude: [[CLAUDE_BINARY, "claude"]],
  codex: [[CODEX_BINARY, "codex"], [CODEX_CODE_MODE_HOST, "codex-code-mode-host"]],
  opencode: [[OPENCODE_BINARY, "opencode"]],
} as const;
export type RealAgent = keyof typeof AGENT_FILES;

/**
 * Puts a real agent CLI's binaries into the running test guest's /usr/local/bin. This copy stands
 * in for the NixOS module's install (the agent package in environment.systemPackages, on every
 * user's PATH): no NixOS image builds here. Each binary runs on the guest as it is (claude's and
 * opencode's, a Bun executable with its files inside, against glibc; codex's static musl).
 */
export async function installRealAgent(limaHome: string, vm: string, agent: RealAgent): Promise<void> {
  for (const [from, to] of AGENT_FILES[agent]) {
    // Written with cat, not tee: tee would echo the 400 MB binary back on stdout.
    const path = `/usr/local/bin/${to}`;
    const install = `cat > ${path}.part && chmod 755 ${path}.part && mv ${path}.part ${path}`;
    await limactl(limaHome, ["shell", vm, "--", "sudo", "sh", "-c", install], { input: readFileSync(agentBinary(from)) as unknown as string, timeoutMs: 900_000 });
  }
}
