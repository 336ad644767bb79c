// Before a dispatch: which guest user runs the agent. On a proven sandbox the agent user does,
// through `sudo -n -u USER -H --` from Lima's user, who only sets the task up (the clone, the
// run, the stop and the collection all run as the agent user, so nothing the agent planted in
// its clone — hooks, git config — ever runs with Lima's user's rights). Elsewhere Lima's user.
import { agentFacts } from "../audit/agentFacts";
import { dispatchAgentUser } from "../audit/runsAs";
import type { Vm } from "../protocol";

/** The agent user to run as, read from the guest now; undefined for Lima's user. */
export async function dispatchRunAs(vm: Vm, log: (line: string) => void): Promise<string | undefined> {
  const user = dispatchAgentUser(await agentFacts(vm, log));
  log(user ? `the agent runs as ${user} in ${vm.name} (the guest shows the sandbox); Lima's user only sets the task up` : `the agent runs as Lima's user in ${vm.name} (the guest shows no sandbox)`);
  return user;
}
