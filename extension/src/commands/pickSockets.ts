// Create VM's host sockets step: the Docker engine and 1Password agent sockets that exist on this
// host (the helper looks), or any socket path; each is forwarded into the guest at a fixed path.
import * as vscode from "vscode";
import type { HostSocketRequest, TemplateInfo } from "../../../helper/src/protocol";
import type { Ctx } from "../ctx";

/** Host sockets are for dev VMs: an agent sandbox or the minimal VM never gets them offered. */
export function offersSockets(t: TemplateInfo): boolean {
  return t.name !== "agent" && t.name !== "minimal";
}

/** The chosen sockets ([] for none); undefined when the user backed out. */
export async function pickSockets(ctx: Ctx): Promise<HostSocketRequest[] | undefined> {
  const found = await ctx.helper.hostSockets();
  const other = { label: "$(plug) Another socket…", description: "any unix socket path on this host", request: undefined as HostSocketRequest | undefined };
  const items = [
    ...found.map((c) => ({
      label: c.label,
      description: c.path,
      detail: c.kind === "docker" ? "Docker in the VM talks to it (DOCKER_HOST)" : "ssh in the VM uses its keys (SSH_AUTH_SOCK)",
      request: { kind: c.kind, hostPath: c.path } as HostSocketRequest | undefined,
    })),
    other,
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: "Create VM: host sockets",
    placeHolder: found.length > 0 ? "Host sockets to reach from the VM (none is fine)" : "No Docker or 1Password socket found; add another socket or press Enter for none",
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  const chosen = picked.flatMap((p) => (p.request ? [p.request] : []));
  if (picked.includes(other)) {
    const path = await vscode.window.showInputBox({ title: "Create VM: another host socket", prompt: "Path of a unix socket on this host", ignoreFocusOut: true });
    if (path === undefined) return undefined;
    if (path.trim()) chosen.push({ kind: "other", hostPath: path.trim() });
  }
  return chosen;
}
