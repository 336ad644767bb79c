// How a task's API keys reach its agent: they do not. The Anthropic and OpenAI keys stay in the
// host's proxy (proxy/apiProxy.ts); the guest gets base URLs on a port that the task's own ssh
// connection forwards back to that proxy (`ssh -R`), and the proxy's per-task token in the key
// variables. The forward and the proxy end with the task.
import { randomInt } from "node:crypto";
import { startApiProxy, type ApiName } from "../proxy/apiProxy";
import type { TaskBudget } from "../proxy/budget";

const PROXIED: Record<string, ApiName> = { ANTHROPIC_API_KEY: "anthropic", OPENAI_API_KEY: "openai" };

export interface TaskKeys {
  /** The variables the agent gets: base URLs and tokens, plus any other secret as it was given. */
  guestEnv: Record<string, string>;
  /** Extra ssh options: the reverse forward to the proxy. */
  sshOptions: string[];
  /** Names of secrets that enter the VM as they are (not proxied), for the log. */
  unproxied: string[];
  /** Whether a proxy runs (some key was kept on the host): only then is usage counted. */
  proxied: boolean;
  close(): Promise<void>;
}

/** `budget` counts the answers' usage and, once used, makes the proxy refuse further requests. */
export async function taskKeys(secrets: Record<string, string>, budget?: TaskBudget): Promise<TaskKeys> {
  const keys: Partial<Record<ApiName, string>> = {};
  const guestEnv: Record<string, string> = {};
  const unproxied: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    const api = PROXIED[name];
    if (api) keys[api] = value;
    else {
      guestEnv[name] = value;
      unproxied.push(name);
    }
  }
  if (!keys.anthropic && !keys.openai) return { guestEnv, sshOptions: [], unproxied, proxied: false, close: async () => undefined };
  const proxy = await startApiProxy({ keys, ...(budget ? { budget } : {}) });
  // The guest's end of the forward: loopback only, a port unlikely to be taken (ssh fails the task if it is).
  const guestPort = randomInt(20_000, 60_000);
  const base = `http://127.0.0.1:${guestPort}`;
  if (keys.anthropic) Object.assign(guestEnv, { ANTHROPIC_BASE_URL: `${base}/anthropic`, ANTHROPIC_API_KEY: proxy.token });
  if (keys.openai) Object.assign(guestEnv, { OPENAI_BASE_URL: `${base}/openai/v1`, OPENAI_API_KEY: proxy.token });
  return {
    guestEnv,
    // A connection of its own (not Lima's shared master): the forward then ends with this ssh.
    sshOptions: ["-o", "ControlPath=none", "-o", "ExitOnForwardFailure=yes", "-R", `127.0.0.1:${guestPort}:127.0.0.1:${proxy.port}`],
    unproxied,
    proxied: true,
    close: () => proxy.close(),
  };
}
