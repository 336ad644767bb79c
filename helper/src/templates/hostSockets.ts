// Host sockets a dev VM reaches: the host's Docker engine, an ssh agent (1Password's), or any
// unix socket. A socket cannot cross a directory share, so Lima forwards each one host → guest
// over ssh (`portForwards` with `guestSocket`, `hostSocket`, `reverse: true`) to a fixed path in
// /run/host-services, and `env:` points DOCKER_HOST / SSH_AUTH_SOCK there for the Lima user.
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { NixlimaError } from "../errors";
import type { HostSocketRequest } from "../protocol";
import { expandTilde } from "./catalog";
import { GUEST_SOCKET_DIR } from "./hostServices";

export const GUEST_DOCKER_SOCKET = `${GUEST_SOCKET_DIR}/docker.sock`;
/** Not Lima's own ssh-auth.sock there (forwardAgent), so both can exist side by side. */
export const GUEST_SSH_AGENT_SOCKET = `${GUEST_SOCKET_DIR}/host-ssh-agent.sock`;

export interface HostSocketCandidate {
  kind: "docker" | "ssh-agent";
  label: string;
  path: string;
}

/** The places Docker engines and the 1Password agent put their sockets, newest first per product. */
export function hostSocketCandidates(home = homedir()): HostSocketCandidate[] {
  return [
    { kind: "docker", label: "Colima", path: join(home, ".colima", "default", "docker.sock") },
    { kind: "docker", label: "Docker Desktop", path: join(home, ".docker", "run", "docker.sock") },
    { kind: "docker", label: "OrbStack", path: join(home, ".orbstack", "run", "docker.sock") },
    { kind: "docker", label: "Rancher Desktop", path: join(home, ".rd", "docker.sock") },
    { kind: "docker", label: "Docker Engine", path: "/var/run/docker.sock" },
    { kind: "ssh-agent", label: "1Password SSH agent", path: join(home, "Library", "Group Containers", "2BUA8C4S2C.com.1password", "t", "agent.sock") },
    { kind: "ssh-agent", label: "1Password SSH agent", path: join(home, ".1password", "agent.sock") },
  ];
}

/** The candidates whose socket exists on this host now. */
export function availableHostSockets(home = homedir()): HostSocketCandidate[] {
  return hostSocketCandidates(home).filter((c) => isSocket(c.path));
}

export interface SocketForward {
  hostSocket: string;
  guestSocket: string;
}

export interface RenderedSockets {
  forwards: SocketForward[];
  env: Record<string, string>;
}

/** Checks each host socket and gives it its fixed guest path; one Docker and one agent at most. */
export function planHostSockets(requests: HostSocketRequest[], home = homedir()): RenderedSockets {
  const forwards: SocketForward[] = [];
  const env: Record<string, string> = {};
  const used = new Set<string>();
  for (const req of requests) {
    const hostSocket = resolve(expandTilde(req.hostPath, home));
    if (!isSocket(hostSocket)) {
      throw new NixlimaError("not-found", `${hostSocket} is not a unix socket on this host.`, "Start the program that makes it (Docker, 1Password), or pass another path.");
    }
    const guestSocket = guestPathFor(req.kind, hostSocket, used);
    forwards.push({ hostSocket, guestSocket });
    if (req.kind === "docker") env.DOCKER_HOST = `unix://${guestSocket}`;
    if (req.kind === "ssh-agent") env.SSH_AUTH_SOCK = guestSocket;
  }
  return { forwards, env };
}

function guestPathFor(kind: HostSocketRequest["kind"], hostSocket: string, used: Set<string>): string {
  const fixed = kind === "docker" ? GUEST_DOCKER_SOCKET : kind === "ssh-agent" ? GUEST_SSH_AGENT_SOCKET : undefined;
  if (fixed && used.has(fixed)) {
    throw new NixlimaError("usage", `Only one ${kind === "docker" ? "Docker socket" : "ssh agent socket"} can be forwarded into a VM.`);
  }
  let path = fixed ?? `${GUEST_SOCKET_DIR}/${basename(hostSocket).replace(/[^A-Za-z0-9._-]/g, "_")}`;
  for (let i = 2; used.has(path) || path === GUEST_DOCKER_SOCKET || path === GUEST_SSH_AGENT_SOCKET; i++) {
    if (fixed) break;
    path = `${GUEST_SOCKET_DIR}/${i}-${basename(hostSocket).replace(/[^A-Za-z0-9._-]/g, "_")}`;
  }
  used.add(path);
  return path;
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * `--socket docker[=PATH]`, `--socket ssh-agent[=PATH]` or `--socket PATH`: without a path, the
 * first Docker engine or 1Password agent socket that exists on this host.
 */
export function parseSocketSpec(spec: string, home = homedir()): HostSocketRequest {
  const m = /^(docker|ssh-agent)(?:=(.+))?$/.exec(spec);
  if (!m) return { kind: "other", hostPath: spec };
  const kind = m[1] as "docker" | "ssh-agent";
  if (m[2]) return { kind, hostPath: m[2] };
  const found = availableHostSockets(home).find((c) => c.kind === kind);
  if (!found) {
    const where = hostSocketCandidates(home).filter((c) => c.kind === kind).map((c) => c.path).join(", ");
    throw new NixlimaError("not-found", `No ${kind === "docker" ? "Docker" : "1Password ssh agent"} socket exists on this host (looked at ${where}).`, `Start it, or pass the path: --socket ${kind}=PATH.`);
  }
  return { kind, hostPath: found.path };
}
