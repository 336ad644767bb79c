// The real Codex CLI dispatched by `nixlima dispatch` into the real test VM (real limactl, QEMU
// guest, OpenSSH, sudo, git), made an agent sandbox from what nixlima's modules render
// (test/support/realAgentVm.ts); set-up step 50's pinned static binary is copied into the guest
// (standing in for the NixOS module's package install). Its model is the scripted Responses API
// server of test/support/responsesServer.ts (FAKE: no model is reachable here), upstream of the
// task's proxy over TLS; the CLI, its tools, the proxy, the ssh forward and the guest are real.
// A name off the egress allow list resolves, for Lima's user only, to the guest's gateway, behind
// which a server on this host listens (test/support/agentEgress.ts). Checks (the same as
// opencode.vm's, test/support/responsesDispatch.ts): the work comes back as the branch; the agent
// ran as `agent` without sudo and with the autonomy flag; the name off the list got NXDOMAIN and a
// connection to its address was rejected by the filter, while Lima's user reaches both; the real
// key was in no guest process's environment, no guest file and not in the task's log. And the
// budget (test/support/budgetStop.ts): a limit below two answers stops the real codex with
// outcome "budget", the proxy refusing with 402.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { DENIED_HOSTS, deniedHost } from "../../../test/support/agentEgress";
import { assertBudgetStop } from "../../../test/support/budgetStop";
import { realAgentVm } from "../../../test/support/realAgentVm";
import { assertResponsesDispatch } from "../../../test/support/responsesDispatch";

const NAME = "realcodex";
const FLAG = "--dangerously-bypass-approvals-and-sandbox";
const vm = realAgentVm({ name: NAME, agent: "codex", hosts: DENIED_HOSTS, budgetProbe: true });
const denied = deniedHost(vm.guest);

test("nixlima dispatch runs the real codex as the agent user: its file comes back as the branch, sudo and a host off the allow list are refused, the key never enters the VM", { timeout: 900_000 }, async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`codex exec ${FLAG} "\\$@" - <`));
  await assertResponsesDispatch(vm, denied, { name: NAME, agent: "codex", commandLine: `agent codex exec ${FLAG} `, cliDir: "/home/agent/.codex", sideAnswers: 0 });
});

test("the real codex is stopped once the task's token budget is used: outcome budget, its sentence, the proxy refusing with 402", { timeout: 900_000 }, async () => {
  await assertBudgetStop(vm, NAME, "codex", 0);
});
