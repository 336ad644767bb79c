// Which API keys each agent reads, and which of them a dispatch sends: one table for the CLI
// (keys from its environment) and the editor (keys from VS Code's secret storage).
import type { AgentName } from "../protocol";

/** The environment variables each agent reads its key from. */
export const AGENT_KEYS: Record<AgentName, readonly string[]> = {
  claude: ["ANTHROPIC_API_KEY"],
  codex: ["OPENAI_API_KEY"],
  opencode: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"],
};

/** Whose keys there are, for the editor's Set Agent Credentials. */
export const KEY_PROVIDERS = [
  { label: "Anthropic", variable: "ANTHROPIC_API_KEY", agents: "Claude Code, OpenCode" },
  { label: "OpenAI", variable: "OPENAI_API_KEY", agents: "Codex, OpenCode" },
] as const;

/** The keys a dispatch of `agent` sends: those of its variables that have a value in `found`. */
export function agentSecrets(agent: AgentName, found: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(AGENT_KEYS[agent].flatMap((k) => (found[k] ? [[k, found[k]]] : [])));
}
