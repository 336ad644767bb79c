// A throwaway world for ssh-config tests: a fake home with an ssh folder, a LIMA_HOME whose
// instances hold ssh.config files in Lima's exact format (hand-written: a real one needs a
// booted VM), and the real `ssh -G` to judge what a config means.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SshVm } from "../../src/ssh";

export const fixtures = join(import.meta.dirname, "fixtures");

export interface World {
  root: string;
  home: string;
  sshDir: string;
  userConfig: string;
  limaHome: string;
  nixlimaDir: string;
  vms: SshVm[];
  dispose(): void;
}

/** Lima's ssh.config as `writeSSHConfigFile` writes it (lima.md, "ssh.config content"). */
export function limaSshConfigText(limaHome: string, name: string, user: string, port: number): string {
  return [
    "# This SSH config file can be passed to 'ssh -F'.",
    "# This file is created by Lima, but not used by Lima itself currently.",
    "# Modifications to this file will be lost on restarting the Lima instance.",
    `Host lima-${name}`,
    `  IdentityFile "${limaHome}/_config/user"`,
    "  StrictHostKeyChecking no",
    "  UserKnownHostsFile /dev/null",
    "  NoHostAuthenticationForLocalhost yes",
    "  PreferredAuthentications publickey",
    "  Compression no",
    "  BatchMode yes",
    "  IdentitiesOnly yes",
    "  GSSAPIAuthentication no",
    '  Ciphers "^aes128-gcm@openssh.com,aes256-gcm@openssh.com"',
    `  User ${user}`,
    "  ControlMaster auto",
    `  ControlPath "${limaHome}/${name}/ssh.sock"`,
    "  ControlPersist yes",
    "  Hostname 127.0.0.1",
    `  Port ${port}`,
    "",
  ].join("\n");
}

export function writeLimaSshConfig(limaHome: string, name: string, user: string, port: number): void {
  mkdirSync(join(limaHome, name), { recursive: true });
  writeFileSync(join(limaHome, name, "ssh.config"), limaSshConfigText(limaHome, name, user, port), { mode: 0o600 });
}

/** dev: running on 41234; agent-1: stopped, its ssh.config left from the last start; fresh: never started. */
export function makeWorld(prefix = "nlssh-"): World {
  const root = mkdtempSync(join("/tmp", prefix));
  const home = join(root, "home");
  const sshDir = join(home, ".ssh");
  const limaHome = join(root, "lima");
  writeLimaSshConfig(limaHome, "dev", "alice", 41234);
  writeLimaSshConfig(limaHome, "agent-1", "alice", 45678);
  mkdirSync(join(limaHome, "fresh"), { recursive: true });
  mkdirSync(join(limaHome, "_config"), { recursive: true });
  writeFileSync(join(limaHome, "_config", "user"), "not a real key\n", { mode: 0o600 });
  cpSync(join(fixtures, "includes"), join(root, "inc"), { recursive: true });
  return {
    root,
    home,
    sshDir,
    userConfig: join(sshDir, "config"),
    limaHome,
    nixlimaDir: join(root, "nixlima-ssh"),
    vms: [
      { name: "dev", dir: join(limaHome, "dev"), status: "Running", sshLocalPort: 41234, sshConfigFile: join(limaHome, "dev", "ssh.config") },
      { name: "agent-1", dir: join(limaHome, "agent-1"), status: "Stopped" },
      { name: "fresh", dir: join(limaHome, "fresh"), status: "Stopped" },
    ],
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The real client's answer; the config file alone (no /etc/ssh/ssh_config), or none at all. */
export function sshG(configPath: string | undefined, host: string): string {
  try {
    return execFileSync("ssh", ["-G", "-F", configPath ?? "/dev/null", host], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    return `error: ${(err as { stderr?: string }).stderr ?? String(err)}`;
  }
}

export function sshGValue(configPath: string | undefined, host: string, key: string): string | undefined {
  const line = sshG(configPath, host).split("\n").find((l) => l.toLowerCase().startsWith(`${key} `));
  return line?.slice(key.length + 1);
}

/**
 * Host names a config mentions, found independently of the code under test (a plain regex over
 * Host lines and Match host criteria, wildcards made concrete), plus names no config mentions.
 */
export function hostNamesIn(text: string): string[] {
  const names = new Set(["unlisted.example.org", "github.com", "10.0.8.9", "x.corp.example.com", "lima-unmanaged"]);
  for (const line of text.split(/\r?\n/)) {
    const host = /^\s*host\s*[=\s]\s*(.*)$/i.exec(line);
    const match = /^\s*match\s.*?\b(?:original)?host\s+(\S+)/i.exec(line);
    const list = host ? host[1]!.replace(/#.*/, "").split(/[\s,]+/) : match ? match[1]!.split(",") : [];
    for (const p of list) {
      const clean = p.replace(/"/g, "");
      if (clean && !clean.startsWith("!")) names.add(clean.replace(/\*/g, "w").replace(/\?/g, "q"));
    }
  }
  return [...names];
}
