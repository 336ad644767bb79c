// Asks the helper for a VM's isolation audit when the explorer wants it (a VM row expanded),
// one request per VM at a time; a failure is stored too, so the tree does not ask again in a loop.
import * as vscode from "vscode";
import type { HelperClient } from "../helperClient";
import type { VmStore } from "../vmStore";

export function watchAudits(helper: HelperClient, store: VmStore): vscode.Disposable {
  const inFlight = new Set<string>();
  return store.onAuditWanted((name) => {
    if (inFlight.has(name)) return;
    inFlight.add(name);
    helper
      .audit(name)
      .then(
        (audit) => store.setAudit(name, { audit }),
        (err: unknown) => store.setAudit(name, { error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => inFlight.delete(name));
  });
}
