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
// real key was in no guest process's environment, no guest file and not in the task's log.
// OpenCode's background install of its plugin SDK from npm's registry is refused by the egress
// filter like any host off the list; the run does not wait for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { DENIED_HOSTS, deniedHost, EGRESS_FILE } from "../../../test/support/agentEgress";
import { assertKeyStayedOnHost, guestProcesses } from "../../../test/support/agentKey";
import { PROBE_COMMAND, PROBE_FILE, SCRIPTED_FILE } from "../../../test/support/agentCli";
import { withUpstream } from "../../../test/support/modelServer";
import { assertBranchHolds, realAgentVm, untilHeld } from "../../../test/support/realAgentVm";
import { startResponsesServer } from "../../../test/support/responsesServer";
import { secondsSince } from "../../../test/support/testVmRun";
import { nixlima } from "../audit/cliHarness";

const NAME = "realopencode";
const FLAG = "--auto";
const CONTENT = "written by the real opencode on the scripted model's word";
const vm = realAgentVm({ name: NAME, agent: "opencode", hosts: DENIED_HOSTS });
const denied = deniedHost(vm.guest);
const guest = vm.guest;

test("nixlima dispatch runs the real opencode as the agent user: its file comes back as the branch, sudo and a host off the allow list are refused, the key never enters the VM", { timeout: 900_000 }, async () => {
  const KEY = `sk-proj-real-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  await guest(`sudo rm -f /home/agent/${PROBE_FILE} /home/agent/${EGRESS_FILE}`);
  const rejectedBefore = await denied.rejected();
  const commands = [`echo "${CONTENT}" > ${SCRIPTED_FILE}`, PROBE_COMMAND, denied.agentCommand(), "touch .nixlima-done"];
  // The answer to the request after the egress step waits: opencode is running while the test looks.
  const server = await startResponsesServer(commands, { tls: true, holdAt: 3 });
  const r = vm.newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const running = nixlima(vm.limaHome, ["dispatch", NAME, r.prompt, "--agent", "opencode", "--project", r.repo.root], { OPENAI_API_KEY: KEY });
    await untilHeld(server.held, running, "opencode");
    const seenLive = await guestProcesses(guest, "opencode");
    server.release();
    const run = await running;
    console.log(`real opencode: dispatch to branch in ${secondsSince(start)} s (the model held one answer for the look at the guest)`);
    const log = run.stdout + run.stderr;
    assert.equal(run.code, 0, log);

    // The work: exactly the file the scripted command wrote, every step's output back at the model.
    assertBranchHolds(run.stdout, NAME, r, SCRIPTED_FILE, `${CONTENT}\n`);
    assert.equal(server.toolOutputs.length, commands.length, server.toolOutputs.join("\n"));

    // Who ran it, with which flag: the agent user, sudo refused, the autonomy flag on its command line.
    assert.equal((await guest(`sudo cat /home/agent/${PROBE_FILE}`)).trim(), "user:agent\nsudo:no");
    assert.ok(seenLive.commands.some((l) => l.startsWith(`agent opencode run ${FLAG}`)), seenLive.commands.join("\n"));
    assert.match(DISPATCH_SCRIPT, new RegExp(`opencode run ${FLAG} < `));

    await denied.assertRefused(rejectedBefore);

    // The key: the upstream got it from the proxy on every request; in the guest only the token ever was.
    const asked = server.seen.filter((s) => s.method === "POST" && s.url === "/openai/v1/responses");
    const agentTurns = asked.filter((s) => Array.isArray(s.body.tools) && s.body.tools.length > 0);
    assert.equal(agentTurns.length, commands.length + 1, server.seen.map((s) => s.url).join("\n"));
    assert.ok(asked.every((s) => s.headers.authorization === `Bearer ${KEY}`));
    await assertKeyStayedOnHost(guest, { key: KEY, keyVariable: "OPENAI_API_KEY", environ: seenLive.environ, cliDir: "/home/agent/.local/share/opencode", log, limaHome: vm.limaHome });
    console.log(`real opencode: the model was asked ${server.seen.map((s) => `${s.method} ${s.url}${Array.isArray(s.body.tools) ? ` (${s.body.tools.length} tools)` : ""}`).join(", ")}`);
  });
});
