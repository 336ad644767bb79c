// The isolation audit of one VM: what of the host it can reach (mounts, home folder, SSH agent,
// ~/.ssh keys, port forwards, network) and whether agents run there without asking. A VM whose
// agents run autonomously AND that can write the home folder, use the SSH agent or reach any
// host on the network is flagged: an agent there can do lasting harm outside the VM.
import { NixlimaError } from "../errors";
import type { Limactl } from "../lima/limactl";
import type { AgentFacts, Audit, AuditFinding } from "../protocol";
import { agentFacts } from "./agentFacts";
import { readEffectiveConfig, type EffectiveConfig } from "./effectiveConfig";
import { limaHomeOf } from "../templates/create";
import { homedir } from "node:os";
import { coversLimaHome, exposesHome } from "../shared/homeMounts";
import { sandboxVerdict } from "./sandboxProof";
import { dispatchUserName, runsAsFinding } from "./runsAs";

export interface AuditDeps {
  home?: string;
  onProblem?: (message: string) => void;
}

export async function auditVm(l: Limactl, name: string, signal?: AbortSignal, deps: AuditDeps = {}): Promise<Audit> {
  const { config, vm } = await readEffectiveConfig(l, name, signal);
  // Without a readable lima.yaml Lima reports no mounts or forwards at all: that is not "none".
  if (config.status === "Broken" || config.status === "Unknown") {
    throw new NixlimaError(
      "failed",
      `What "${name}" can reach is unknown: its configuration file (lima.yaml) cannot be read.`,
      undefined,
      vm.errors.join("; ") || undefined,
    );
  }
  const facts = await agentFacts(vm, deps.onProblem);
  return judge(config, facts, deps.home, limaHomeOf(l));
}

/** The audit from Lima's effective config and the agent facts; pure, so every case is testable. */
export function judge(config: EffectiveConfig, agent: AgentFacts, givenHome?: string, limaHome?: string): Audit {
  const home = givenHome ?? homedir();
  const mounts = config.mounts.map((m) => ({ ...m, exposesHome: exposesHome(m.location, home) }));
  const homeMounts = mounts.filter((m) => m.exposesHome);
  const homeExposure = homeMounts.some((m) => m.writable) ? "writable" : homeMounts.length > 0 ? "read-only" : "none";
  const verdict = sandboxVerdict(agent);
  const unrestrictedNetwork = agent.egressAllow === undefined || !verdict.proven; // the filter confines only the agent user
  const autonomous = agent.autonomousMode === true;

  const reasons = [
    homeExposure === "writable" ? "a writable mount of your home folder" : undefined,
    config.forwardAgent ? "your SSH agent" : undefined,
    unrestrictedNetwork ? "an unrestricted network" : undefined,
    verdict.proven ? undefined : "no proven sandbox",
  ].filter((r): r is string => r !== undefined);
  // Whether or not agents run here: the guest could make ssh on the host run its commands.
  const limaHomeWriters = limaHome === undefined ? [] : config.mounts.filter((m) => coversLimaHome(m, limaHome, home));
  const flagged = (autonomous && reasons.length > 0) || limaHomeWriters.length > 0;
  const summary = limaHomeWriters.length > 0
    ? `The VM can write LIMA_HOME (${limaHome}) through ${limaHomeWriters.map((m) => m.location).join(", ")}, where Lima keeps the ssh.config your ssh config includes: it could make ssh on this machine run its commands.`
    : flagged
    ? `Agents run here without asking and have ${joinWords(reasons)}: one bad command can reach beyond the VM.`
    : autonomous
      ? "Agents run here without asking, inside a sandbox that keeps them away from your home folder, SSH agent and network."
      : agent.autonomousMode === false
        ? "Agents here ask before acting; nothing flagged."
        : "No autonomous agents known in this VM; nothing flagged.";

  const findings: AuditFinding[] = [
    ...[sandboxFinding(verdict, agent), runsAsFinding(agent)],
    mountsFinding(mounts),
    homeFinding(homeExposure, homeMounts.map((m) => m.location)),
    ...(limaHomeWriters.length > 0
      ? [warn("lima-home", "LIMA_HOME writable from the VM", `The writable mount ${limaHomeWriters.map((m) => m.location).join(", ")} covers ${limaHome}, where Lima keeps the ssh.config your ssh config includes.`, "Remove the mount, or make it read-only.")]
      : []),
    config.forwardAgent
      ? warn("forward-agent", "SSH agent forwarded", "Anything in the VM can sign in as you wherever your SSH keys work.", "Set ssh.forwardAgent: false (nixlima harden).")
      : ok("forward-agent", "SSH agent not forwarded", "The VM cannot use your SSH agent."),
    config.loadDotSSHPubKeys
      ? info("ssh-keys", "Your ~/.ssh public keys log in", "Lima adds your ~/.ssh/*.pub keys to the guest's authorized keys (public keys only).", "Set ssh.loadDotSSHPubKeys: false (nixlima harden).")
      : ok("ssh-keys", "Only Lima's own key logs in", "Your ~/.ssh keys are not loaded into the guest."),
    portForwardFinding(config),
    networkFinding(config, unrestrictedNetwork, agent, verdict.proven),
    autonomousFinding(agent),
  ];
  return {
    vm: config.name,
    status: config.status,
    mounts,
    homeExposure,
    forwardAgent: config.forwardAgent,
    loadDotSSHPubKeys: config.loadDotSSHPubKeys,
    portForwards: config.portForwards.map(({ hostIP: _h, reverse: _r, ...p }) => p),
    networkModes: config.networkModes,
    agent,
    unrestrictedNetwork,
    ...{ sandbox: verdict.proven, runsAs: dispatchUserName(agent) },
    flagged,
    summary,
    findings,
    hardenChanges: hardenChangesFor(homeMounts.map((m) => m.location), config),
  };
}

/** What harden would change, in words (harden.ts makes these edits). */
export function hardenChangesFor(homeLocations: string[], config: Pick<EffectiveConfig, "forwardAgent" | "loadDotSSHPubKeys">): string[] {
  return [
    ...homeLocations.map((loc) => `remove the mount of ${loc} (it exposes your home folder)`),
    ...(config.forwardAgent ? ["set ssh.forwardAgent: false"] : []),
    ...(config.loadDotSSHPubKeys ? ["set ssh.loadDotSSHPubKeys: false"] : []),
  ];
}

function sandboxFinding(verdict: ReturnType<typeof sandboxVerdict>, agent: AgentFacts): AuditFinding {
  if (verdict.proven) {
    return ok("sandbox", "Agent sandbox shown by the guest", `Agents run as ${agent.user}, who cannot use sudo, and the egress filter is loaded in the guest's kernel.`);
  }
  const title = "Not an agent sandbox";
  const detail = `The guest lacks ${joinWords(verdict.missing)}: an agent here runs with what Lima's user has, passwordless sudo included.`;
  const fix = "Create agent VMs from nixlima's agent image (nixlima build agent); the published NixOS image has no sandbox.";
  return agent.autonomousMode === true || agent.user ? warn("sandbox", title, detail, fix) : info("sandbox", title, detail, fix);
}

function mountsFinding(mounts: Audit["mounts"]): AuditFinding {
  if (mounts.length === 0) return ok("mounts", "No host folders mounted", "The VM sees none of your files.");
  const list = mounts.map((m) => `${m.location} → ${m.mountPoint} (${m.writable ? "writable" : "read-only"})`).join("; ");
  const title = `${mounts.length} host folder${mounts.length === 1 ? "" : "s"} mounted`;
  const writable = mounts.filter((m) => m.writable).length;
  if (writable === 0) return info("mounts", title, list);
  return warn(
    "mounts",
    `${title}, ${writable} writable`,
    `${list}. Whatever runs in the VM can plant git hooks, .vscode/tasks.json or package.json scripts there, which run on the host when you next use the folder. nixlima dispatch needs no mount: it clones the project and brings the agent's work back as a branch.`,
    "Make the mounts read-only, or remove them.",
  );
}

function homeFinding(exposure: Audit["homeExposure"], locations: string[]): AuditFinding {
  if (exposure === "none") return ok("home", "Home folder not exposed", "No mount reaches your home folder.");
  const what = exposure === "writable" ? "can change and delete" : "can read (including ~/.ssh and cloud credentials)";
  return warn("home", `Home folder exposed ${exposure}`, `The VM ${what} your home folder through ${locations.join(", ")}.`, "Mount only the project folder (nixlima harden removes the home mount).");
}

function portForwardFinding(config: EffectiveConfig): AuditFinding {
  const active = config.portForwards.filter((p) => !p.ignore);
  const open = active.filter((p) => p.hostIP === "0.0.0.0" || p.hostIP === "::");
  const reverse = active.filter((p) => p.reverse);
  const describe = (p: (typeof active)[number]) =>
    `${p.guestSocket ?? p.guestPort ?? "any"} → ${p.hostSocket ?? `${p.hostIP ?? "127.0.0.1"}:${p.hostPort ?? p.guestPort ?? "same"}`}${p.reverse ? " (reverse)" : ""}`;
  const detail = active.length > 0 ? active.map(describe).join("; ") : "Lima's default: guest TCP ports appear on the host's 127.0.0.1 only.";
  if (open.length > 0 || reverse.length > 0) {
    return warn(
      "port-forwards",
      "Port forwards reach beyond loopback",
      `${open.length > 0 ? "Some guest ports are open to your network. " : ""}${reverse.length > 0 ? "Reverse forwards let the guest reach host ports. " : ""}${detail}`,
      "Remove these entries from portForwards in lima.yaml unless you need them.",
    );
  }
  return info("port-forwards", "Port forwards on loopback only", detail);
}

function networkFinding(config: EffectiveConfig, unrestricted: boolean, agent: AgentFacts, sandbox: boolean): AuditFinding {
  const modes = config.networkModes.join(", ");
  if (!unrestricted) {
    return ok("network", "Egress limited to an allow list", `Networks: ${modes}. Dispatched agents run as ${agent.user}, who may reach only: ${(agent.egressAllow ?? []).join(", ") || "nothing"}.`);
  }
  if (agent.egressAllow !== undefined && !sandbox) {
    return warn(
      "network",
      "Egress allow list not in force for agents",
      `Networks: ${modes}. agent.json lists an allow list, but the guest does not show the sandbox, so dispatched agents run as Lima's user, whom no filter confines: they can reach any host.`,
      "Use a nixlima agent image, where the egress filter is loaded and agents run as its agent user.",
    );
  }
  const bridged = config.networkModes.some((m) => m === "lima:bridged");
  return warn(
    "network",
    bridged ? "Bridged onto your network, no egress filter" : "Unrestricted network",
    `Networks: ${modes}. No egress allow list is known for this guest, so it can reach any host${bridged ? ", and it sits on your local network" : ""}.`,
    "Use a nixlima agent image: services.nixlima.agent.egress.allow limits where agents connect.",
  );
}

function autonomousFinding(agent: AgentFacts): AuditFinding {
  const source =
    agent.source === "guest" ? "read from the guest now" : agent.source === "cache" ? "as the guest last reported" : agent.source === "dispatch" ? "nixlima dispatched agents here with their bypass flags" : "nothing known";
  if (agent.autonomousMode === true) {
    const who = agent.user ? ` as user ${agent.user}` : "";
    return info("autonomous", "Agents run autonomously", `Agents${who} act without asking for permission (${source}).`);
  }
  if (agent.autonomousMode === false) return ok("autonomous", "Agents ask before acting", `autonomousMode is off (${source}).`);
  return info("autonomous", "No autonomous agents known", agent.source === "none" ? "Start the VM and audit again to read its agent settings." : `No nixlima agent settings in this guest (${source}).`);
}

function ok(id: string, title: string, detail: string): AuditFinding {
  return { id, level: "ok", title, detail };
}
function info(id: string, title: string, detail: string, fix?: string): AuditFinding {
  return fix === undefined ? { id, level: "info", title, detail } : { id, level: "info", title, detail, fix };
}
function warn(id: string, title: string, detail: string, fix: string): AuditFinding {
  return { id, level: "warning", title, detail, fix };
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
