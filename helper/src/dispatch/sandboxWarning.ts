// Before a dispatch: the agent runs with its bypass flags, so a VM whose guest does not show an
// agent sandbox (audit/sandboxProof.ts; e.g. one on the published NixOS image) is refused unless
// the person said yes to it (the CLI's --not-sandboxed, the extension's question); then the
// warning goes to the job's log and the CLI's stderr.
import { agentFacts } from "../audit/agentFacts";
import { sandboxVerdict } from "../audit/sandboxProof";
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";

/** The flag that lets the CLI dispatch to a VM that is not a sandbox. */
export const NOT_SANDBOXED_FLAG = "--not-sandboxed";

/** The warning for this VM, or undefined when its guest showed the sandbox just now. */
export async function notSandboxWarning(vm: Vm): Promise<string | undefined> {
  const verdict = sandboxVerdict(await agentFacts(vm));
  if (verdict.proven) return undefined;
  return `${vm.name} is not an agent sandbox (its guest lacks ${verdict.missing.join("; ")}): the agent runs with its permission checks off and with what Lima's user has, passwordless sudo included.`;
}

/** Refuses a VM that is not a sandbox unless `agreed`; else its warning (or undefined for a sandbox). */
export async function checkSandbox(vm: Vm, agreed: boolean): Promise<string | undefined> {
  const warning = await notSandboxWarning(vm);
  if (warning && !agreed) {
    throw new NixlimaError(
      "failed",
      `Not dispatched: ${warning}`,
      `Use a nixlima agent image for a sandbox, or pass ${NOT_SANDBOXED_FLAG} to run the agent there anyway.`,
    );
  }
  return warning;
}
