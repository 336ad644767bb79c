// Agent API keys live in VS Code's SecretStorage only (the OS keychain): never in settings,
// files or logs. A dispatch reads the keys its agent needs and sends them in jobs/start's own
// secrets field; the helper passes them to the guest on ssh's stdin.
import * as vscode from "vscode";
import type { AgentName } from "../../../helper/src/protocol";
import { AGENT_KEYS, KEY_PROVIDERS, agentSecrets } from "../../../helper/src/shared/agentKeys";
import { checkApiKey } from "./agentFormat";

const secretKey = (variable: string) => `nixlima.${variable}`;

export async function storedSecrets(secrets: vscode.SecretStorage, agent: AgentName): Promise<Record<string, string>> {
  const stored: Record<string, string | undefined> = {};
  for (const v of AGENT_KEYS[agent]) stored[v] = await secrets.get(secretKey(v));
  return agentSecrets(agent, stored);
}

export async function setAgentCredentials(secrets: vscode.SecretStorage): Promise<void> {
  const items = await Promise.all(
    KEY_PROVIDERS.map(async (p) => ({
      label: p.label,
      description: `${p.variable} · for ${p.agents}`,
      detail: (await secrets.get(secretKey(p.variable))) ? "A key is stored (choose to replace or remove it)" : "No key stored",
      provider: p,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, { title: "Set Agent Credentials", placeHolder: "Whose API key?" });
  if (!picked) return;
  const { variable, label } = picked.provider;
  const had = (await secrets.get(secretKey(variable))) !== undefined;
  const value = await vscode.window.showInputBox({
    title: `${label} API key`,
    prompt: `Stored in VS Code's secret storage; sent to a VM (as ${variable}) only when you dispatch a task there.${had ? " Leave empty to remove the stored key." : ""}`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (had && v === "" ? undefined : checkApiKey(v)),
  });
  if (value === undefined) return;
  if (value === "") {
    await secrets.delete(secretKey(variable));
    void vscode.window.showInformationMessage(`Removed the stored ${label} API key.`);
    return;
  }
  await secrets.store(secretKey(variable), value.trim());
  void vscode.window.showInformationMessage(`Stored the ${label} API key in VS Code's secret storage.`);
}
