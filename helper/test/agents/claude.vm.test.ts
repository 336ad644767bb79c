// The real Claude Code CLI dispatched by `nixlima dispatch` into the real test VM (real limactl,
// QEMU guest, OpenSSH, sudo, git), made an agent sandbox from what nixlima's modules render
// (test/support/realAgentVm.ts). The pinned linux-x64 binary of set-up step 50 is copied into the
// guest (standing in for the NixOS module's package install). Its model is the scripted server
// of test/support/modelServer.ts (FAKE: no model is reachable here), upstream of the task's
// proxy over TLS; the CLI, its tools, the proxy, the ssh forward and the guest are real. The
// script has it write a file, record its user and whether `sudo -n true` works, then create the
// done marker. Checks: the branch that comes back holds exactly that file; the agent ran as
// `agent` without sudo and with the autonomy flag; the real key was in no guest process's
// environment, no guest file and not in the task's log, while the per-task token was.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { assertKeyStayedOnHost, guestProcesses } from "../../../test/support/agentKey";
import { PROBE_FILE, SCRIPTED_CONTENT, SCRIPTED_FILE, scriptedSteps } from "../../../test/support/agentCli";
import { startModelServer, withUpstream } from "../../../test/support/modelServer";
import { assertBranchHolds, realAgentVm } from "../../../test/support/realAgentVm";
import { secondsSince } from "../../../test/support/testVmRun";
import { nixlima } from "../audit/cliHarness";

const NAME = "realclaude";
const FLAG = "--dangerously-skip-permissions";
const HOLD = "/tmp/claude-may-finish";
const vm = realAgentVm({ name: NAME, agent: "claude" });
const guest = vm.guest;

/** Waits until the agent's Bash step has written its probe (it then holds until HOLD exists). */
async function untilProbed(running: Promise<unknown>): Promise<void> {
  let ended = false;
  void running.finally(() => (ended = true));
  const deadline = Date.now() + 400_000;
  while ((await guest(`sudo test -e /home/agent/${PROBE_FILE} && echo yes || echo no`)).trim() !== "yes") {
    assert.ok(!ended, "the dispatch ended before the agent's Bash step ran");
    assert.ok(Date.now() < deadline, "the agent's Bash step never ran");
    await new Promise((res) => setTimeout(res, 2000));
  }
}

test("nixlima dispatch runs the real claude as the agent user: its file comes back as the branch, sudo is refused, the key never enters the VM", { timeout: 900_000 }, async () => {
  const KEY = `sk-ant-real-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const server = await startModelServer(scriptedSteps(HOLD), { tls: true });
  const r = vm.newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const running = nixlima(vm.limaHome, ["dispatch", NAME, r.prompt, "--agent", "claude", "--project", r.repo.root], { ANTHROPIC_API_KEY: KEY });
    await untilProbed(running);
    const seenLive = await guestProcesses(guest, "claude");
    await guest(`touch ${HOLD}`);
    const run = await running;
    await guest(`rm -f ${HOLD}`);
    console.log(`real claude: dispatch to branch in ${secondsSince(start)} s (the agent held for the look at the guest)`);
    const log = run.stdout + run.stderr;
    assert.equal(run.code, 0, log);

    // The work: exactly the file the scripted Write made, on branch nixlima/VM/TASK.
    assertBranchHolds(run.stdout, NAME, r, SCRIPTED_FILE, SCRIPTED_CONTENT);
    assert.equal(server.toolResults.length, 3, server.toolResults.join("\n"));
    assert.match(server.toolResults[0] ?? "", /File created successfully/);

    // Who ran it, with which flag: the agent user, sudo refused, the autonomy flag on its command line.
    assert.equal((await guest(`sudo cat /home/agent/${PROBE_FILE}`)).trim(), "user:agent\nsudo:no");
    assert.ok(seenLive.commands.some((l) => l.startsWith(`agent claude ${FLAG} -p`)), seenLive.commands.join("\n"));
    assert.match(DISPATCH_SCRIPT, new RegExp(`claude ${FLAG} -p`));

    // The key: the upstream got it from the proxy; in the guest only the token ever was.
    const messages = server.seen.filter((s) => s.url.startsWith("/anthropic/v1/messages"));
    assert.ok(messages.length >= 3, server.seen.map((s) => s.url).join("\n"));
    assert.ok(messages.every((s) => s.headers["x-api-key"] === KEY));
    await assertKeyStayedOnHost(guest, { key: KEY, keyVariable: "ANTHROPIC_API_KEY", environ: seenLive.environ, cliDir: "/home/agent/.claude", log, limaHome: vm.limaHome });
  });
});

test("the claude installed in the guest lists the autonomy flag dispatch passes", { timeout: 300_000 }, async () => {
  const help = await guest("sudo -u agent -H claude --help");
  assert.match(help, new RegExp(`^\\s+${FLAG}\\s`, "m"));
  assert.match(DISPATCH_SCRIPT, new RegExp(`claude ${FLAG} -p`));
});
