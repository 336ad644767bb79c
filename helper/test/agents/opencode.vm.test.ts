// The real OpenCode CLI dispatched by `nixlima dispatch` into the real test VM (real limactl, QEMU
// guest, OpenSSH, sudo, git), made an agent sandbox from what nixlima's modules render
// (test/support/realAgentVm.ts); set-up step 50's pinned native binary is copied into the guest
// (standing in for the NixOS module's package install). Its model is the scripted Responses API
// server of test/support/responsesServer.ts (FAKE: no model is reachable here), upstream of the
// task's proxy over TLS, reached with the OpenAI key as dispatch sends it; the Messages API path
// of OpenCode is run for real on the host (opencodeHost.test.ts). The CLI, its tools, the proxy,
// the ssh forward and the guest are real. `opencode run` ends with 0 even when it refused a tool
// call, so the checks are on the work: the file comes back as the branch; the agent ran as
// `agent` without sudo and with the autonomy flag; a name off the egress allow list got NXDOMAIN
// and a connection to its address was rejected by the filter (test/support/agentEgress.ts); the
// real key was in no guest process's environment, no guest file and not in the task's log. And
// the budget: a limit below its answers stops it with outcome "budget" (test/support/budgetStop.ts).
// OpenCode's background install of its plugin SDK from npm's registry is refused by the egress
// filter like any host off the list; the run does not wait for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { DENIED_HOSTS, deniedHost } from "../../../test/support/agentEgress";
import { assertBudgetStop } from "../../../test/support/budgetStop";
import { realAgentVm } from "../../../test/support/realAgentVm";
import { assertResponsesDispatch } from "../../../test/support/responsesDispatch";

const NAME = "realopencode";
const FLAG = "--auto";
const vm = realAgentVm({ name: NAME, agent: "opencode", hosts: DENIED_HOSTS, budgetProbe: true });
const denied = deniedHost(vm.guest);

test("nixlima dispatch runs the real opencode as the agent user: its file comes back as the branch, sudo and a host off the allow list are refused, the key never enters the VM", { timeout: 900_000 }, async () => {
  assert.match(DISPATCH_SCRIPT, new RegExp(`opencode run ${FLAG} < `));
  await assertResponsesDispatch(vm, denied, { name: NAME, agent: "opencode", commandLine: `agent opencode run ${FLAG}`, cliDir: "/home/agent/.local/share/opencode", sideAnswers: 1 });
});

test("the real opencode is stopped once the task's token budget is used: outcome budget, its sentence, the proxy refusing with 402", { timeout: 900_000 }, async () => {
  // Its session title is one more answer, asked for at the start.
  await assertBudgetStop(vm, NAME, "opencode", 1);
});
