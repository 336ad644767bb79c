// Before a dispatch, from one reading of the guest (audit/agentFacts.ts, audit/sandboxProof.ts):
// - whether it may go ahead: the agent runs with its bypass flags, so a VM whose guest does not
//   show an agent sandbox (e.g. one on the published NixOS image) is refused unless the person
//   said yes to it (the CLI's --not-sandboxed, the extension's question); then the warning goes
//   to the job's log and the CLI's stderr;
// - which guest user runs the agent: on a proven sandbox the agent user, through
//   `sudo -n -u USER -H --` from Lima's user, who only sets the task up (the clone, the run, the
//   stop and the collection all run as the agent user, so nothing the agent planted in its clone —
//   hooks, git config — ever runs with Lima's user's rights); elsewhere Lima's user.
import { agentFacts } from "../audit/agentFacts";
import { dispatchAgentUser } from "../audit/runsAs";
import { sandboxVerdict } from "../audit/sandboxProof";
import { NixlimaError } from "../errors";
import type { Vm } from "../protocol";

/** The flag that lets the CLI dispatch to a VM that is not a sandbox. */
export const NOT_SANDBOXED_FLAG = "--not-sandboxed";

export interface SandboxGate {
  /** Set when the VM is not a sandbox and the person agreed to run there anyway. */
  warning?: string;
  /** The agent user to run as; undefined for Lima's user. */
  runAs?: string;
}

/** Reads the guest once; refuses a VM that is not a sandbox unless `agreed`. */
export async function sandboxGate(vm: Vm, agreed: boolean, log: (line: string) => void): Promise<SandboxGate> {
  const facts = await agentFacts(vm, log);
  const verdict = sandboxVerdict(facts);
  const runAs = dispatchAgentUser(facts);
  log(runAs ? `the agent runs as ${runAs} in ${vm.name} (the guest shows the sandbox); Lima's user only sets the task up` : `the agent runs as Lima's user in ${vm.name} (the guest shows no sandbox)`);
  if (verdict.proven) return runAs ? { runAs } : {};
  const warning = `${vm.name} is not an agent sandbox (its guest lacks ${verdict.missing.join("; ")}): the agent runs with its permission checks off and with what Lima's user has, passwordless sudo included.`;
  if (!agreed) {
    throw new NixlimaError(
      "failed",
      `Not dispatched: ${warning}`,
      `Use a nixlima agent image for a sandbox, or pass ${NOT_SANDBOXED_FLAG} to run the agent there anyway.`,
    );
  }
  return runAs ? { warning, runAs } : { warning };
}
