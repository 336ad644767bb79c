// The agent-sandbox requests a window makes: the isolation audit of a VM, hardening it (a dry
// run first, then for real; never while a job acts on the VM), and copying the
// user's Claude login into a VM.
import { homedir } from "node:os";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { auditVm } from "../audit/audit";
import { hardenVm } from "../audit/harden";
import { copyClaudeToken, findClaudeToken } from "../dispatch/claudeToken";
import { NixlimaError } from "../errors";
import type { Limactl } from "../lima/limactl";
import { inspectVm } from "../lima/operations";
import { AgentRequests, Notifications } from "../protocol";
import { notify, onRequest } from "../rpc";
import type { JobManager } from "./jobs";

export interface AgentRequestDeps {
  limactl: () => Promise<Limactl>;
  jobs: JobManager;
  /** After harden changed a lima.yaml. */
  changed: () => void;
}

export function serveAgentRequests(conn: MessageConnection, deps: AgentRequestDeps): void {
  onRequest(conn, AgentRequests.vmsAudit, async ({ vm }) =>
    auditVm(await deps.limactl(), vm, undefined, {
      home: homedir(),
      onProblem: (message) => notify(conn, Notifications.log, { level: "warn", message: `audit: ${message}` }),
    }),
  );
  onRequest(conn, AgentRequests.vmsHarden, async ({ vm, dryRun }) => {
    const busy = deps.jobs.busyWith({ kind: "stop", vm });
    if (busy && !dryRun) {
      throw new NixlimaError("failed", `VM \`${vm}\` is busy with a ${busy.request.kind} job; harden it when that has ended.`);
    }
    const result = await hardenVm(await deps.limactl(), vm, { dryRun, home: homedir() });
    if (result.changed) deps.changed();
    return result;
  });
  onRequest(conn, AgentRequests.claudeTokenFind, () => findClaudeToken());
  onRequest(conn, AgentRequests.claudeTokenCopy, async ({ vm }) => {
    await copyClaudeToken(await inspectVm(await deps.limactl(), vm, undefined));
    return {};
  });
}
