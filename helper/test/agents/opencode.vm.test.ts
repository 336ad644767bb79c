// The real OpenCode CLI dispatched by `nixlima dispatch` into the real test VM (real limactl, QEMU
// guest, OpenSSH, sudo, git), made an agent sandbox from what nixlima's modules render
// (test/support/realAgentVm.ts); set-up step 50's pinned native binary is copied into the guest
// (standing in for the NixOS module's package install). Its model is a scripted server (FAKE: no
// model is reachable here) upstream of the task's proxy over TLS: OpenAI's Responses API
// (test/support/responsesServer.ts) with the OpenAI key, and in the last test the Messages API
// (modelServer.ts) with the Anthropic key, whose path dispatch's inline settings fix. The CLI, its
// tools, the proxy, the ssh forward and the guest are real. `opencode run` ends with 0 even when
// it refused a tool call, so the checks are on the work: the file comes back as the branch; the
// agent ran as `agent` without sudo and with the autonomy flag; a name off the egress allow list
// got NXDOMAIN and a connection to its address was rejected by the filter
// (test/support/agentEgress.ts); the real key was in no guest process's environment, no guest
// file and not in the task's log. And the budget: a limit below its answers stops it with outcome
// "budget" (test/support/budgetStop.ts). OpenCode also tries, in the background, to install its
// plugin SDK from npm's registry, a host off the list; the work above is done without it (its
// own log shows the failure; the test does not read that log, whose words are OpenCode's).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { SCRIPTED_FILE } from "../../../test/support/agentCli";
import { DENIED_HOSTS, deniedHost } from "../../../test/support/agentEgress";
import { assertBudgetStop } from "../../../test/support/budgetStop";
import { startModelServer, withUpstream } from "../../../test/support/modelServer";
import { assertBranchHolds, realAgentVm } from "../../../test/support/realAgentVm";
import { assertResponsesDispatch } from "../../../test/support/responsesDispatch";
import { nixlima } from "../audit/cliHarness";

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

test("with the Anthropic key the real opencode asks the task's proxy at its Messages path (dispatch's inline settings add the /v1) and its file comes back as the branch", { timeout: 900_000 }, async () => {
  const KEY = `sk-ant-real-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const content = "written by the real opencode through the Messages API";
  const command = `echo "${content}" > ${SCRIPTED_FILE} && touch .nixlima-done`;
  const server = await startModelServer([{ name: "bash", input: () => ({ command, description: "Do the scripted task" }) }], { tls: true });
  const r = vm.newRepo();
  await withUpstream(server, async () => {
    const run = await nixlima(vm.limaHome, ["dispatch", NAME, r.prompt, "--agent", "opencode", "--project", r.repo.root], { ANTHROPIC_API_KEY: KEY });
    const log = run.stdout + run.stderr;
    assertBranchHolds(run.stdout, NAME, r, SCRIPTED_FILE, `${content}\n`);
    assert.equal(server.toolResults.length, 1, log);
    // Every request reached the upstream at the Messages path with the real key the proxy added.
    assert.ok(server.seen.length >= 2, log);
    assert.deepEqual(server.seen.filter((s) => s.url !== "/anthropic/v1/messages" || s.headers["x-api-key"] !== KEY).map((s) => s.url), []);
    assert.ok(!log.includes(KEY), "the key is in the task's log");
  });
});
