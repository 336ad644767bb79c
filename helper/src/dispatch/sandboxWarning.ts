// Before a dispatch: the agent runs with its bypass flags, so a VM whose guest does not show an
// agent sandbox (audit/sandboxProof.ts; e.g. one on the published NixOS image) gets a warning in
// the job's log and on the CLI's stderr. The extension warns from the audit it already has.
import { agentFacts } from "../audit/agentFacts";
import { sandboxVerdict } from "../audit/sandboxProof";
import type { Vm } from "../protocol";

/** The warning for this VM, or undefined when its guest showed the sandbox just now. */
export async function notSandboxWarning(vm: Vm): Promise<string | undefined> {
  const verdict = sandboxVerdict(await agentFacts(vm));
  if (verdict.proven) return undefined;
  return `${vm.name} is not an agent sandbox (its guest lacks ${verdict.missing.join("; ")}): the agent runs with its permission checks off and with what Lima's user has, passwordless sudo included.`;
}
