// A real OpenSSH agent holding one fresh key, for tests of ssh agent forwarding into a VM.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";

export interface TestSshAgent {
  /** Its socket: the SSH_AUTH_SOCK a forwarding client passes on. */
  socket: string;
  /** The key's SHA256 fingerprint, as `ssh-add -l` prints it wherever the agent is reachable. */
  fingerprint: string;
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D` on a socket in `dir` (which must not be in use) and adds a new ed25519 key. */
export async function startSshAgent(dir: string): Promise<TestSshAgent> {
  const socket = join(dir, "agent.sock");
  const agent = execa("ssh-agent", ["-D", "-a", socket], { reject: false, stdin: "ignore", stdout: "ignore" });
  for (let i = 0; i < 50 && !existsSync(socket); i++) await sleep(100);
  if (!existsSync(socket)) {
    agent.kill();
    throw new Error(`ssh-agent made no socket at ${socket}: ${(await agent).stderr}`);
  }
  const key = join(dir, "agent-key");
  await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "nixlima-test-agent", "-f", key]);
  await execa("ssh-add", ["-q", key], { env: { SSH_AUTH_SOCK: socket } });
  const fingerprint = (await execa("ssh-keygen", ["-l", "-f", `${key}.pub`])).stdout.split(" ")[1];
  return {
    socket,
    fingerprint,
    async stop() {
      agent.kill();
      await agent;
    },
  };
}
