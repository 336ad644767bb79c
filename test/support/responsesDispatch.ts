// The dispatch every real CLI that speaks OpenAI's Responses API gets in the test guest (codex.vm,
// opencode.vm): against the scripted model upstream of the task's proxy over TLS, it writes a
// file, records its user and sudo, tries a host off the allow list (agentEgress.ts) and says it is
// done; the model holds its last answer while the test looks at the guest's processes. The checks
// are on the work, not the CLI's exit code (`opencode run` ends with 0 after a refused tool call):
// the branch holds exactly the file; every step's output came back; the agent ran as `agent`
// without sudo and with `commandLine`; the host was refused; the upstream got the real key, the
// guest only the token.
import assert from "node:assert/strict";
import { nixlima } from "../../helper/test/audit/cliHarness";
import { PROBE_COMMAND, PROBE_FILE, SCRIPTED_FILE, type RealAgent } from "./agentCli";
import { EGRESS_FILE, type DeniedHost } from "./agentEgress";
import { assertKeyStayedOnHost, guestProcesses } from "./agentKey";
import { withUpstream } from "./modelServer";
import { assertBranchHolds, untilHeld, type RealAgentVm } from "./realAgentVm";
import { startResponsesServer } from "./responsesServer";
import { secondsSince } from "./testVmRun";

export interface ResponsesDispatch {
  name: string;
  agent: RealAgent;
  /** How the CLI's command line starts in `ps` (user, program, the autonomy flag). */
  commandLine: string;
  /** The CLI's own folder in the agent's home. */
  cliDir: string;
  /** Requests the CLI makes beside its turns, without tools (OpenCode's session title). */
  sideAnswers: number;
}

export async function assertResponsesDispatch(vm: RealAgentVm, denied: DeniedHost, o: ResponsesDispatch): Promise<void> {
  const { guest } = vm;
  const KEY = `sk-proj-real-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const content = `written by the real ${o.agent} on the scripted model's word`;
  await guest(`sudo rm -f /home/agent/${PROBE_FILE} /home/agent/${EGRESS_FILE}`);
  const rejectedBefore = await denied.rejected();
  const commands = [`echo "${content}" > ${SCRIPTED_FILE}`, PROBE_COMMAND, denied.agentCommand(), "touch .nixlima-done"];
  // The answer to the request after the egress step waits: the CLI is running while the test looks.
  const server = await startResponsesServer(commands, { tls: true, holdAt: 3 });
  const r = vm.newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const running = nixlima(vm.limaHome, ["dispatch", o.name, r.prompt, "--agent", o.agent, "--project", r.repo.root], { OPENAI_API_KEY: KEY });
    await untilHeld(server.held, running, o.agent);
    const seenLive = await guestProcesses(guest, o.agent);
    server.release();
    const run = await running;
    console.log(`real ${o.agent}: dispatch to branch in ${secondsSince(start)} s (the model held one answer for the look at the guest)`);
    const log = run.stdout + run.stderr;
    assert.equal(run.code, 0, log);

    // The work: exactly the file the scripted command wrote, every step's output back at the model.
    assertBranchHolds(run.stdout, o.name, r, SCRIPTED_FILE, `${content}\n`);
    assert.equal(server.toolOutputs.length, commands.length, server.toolOutputs.join("\n"));

    // Who ran it, with which flag: the agent user, sudo refused, the autonomy flag on its command line.
    assert.equal((await guest(`sudo cat /home/agent/${PROBE_FILE}`)).trim(), "user:agent\nsudo:no");
    assert.ok(seenLive.commands.some((l) => l.startsWith(o.commandLine)), seenLive.commands.join("\n"));

    await denied.assertRefused(rejectedBefore);

    // The key: the upstream got it from the proxy on every request; in the guest only the token ever was.
    // A turn for each step and the closing one, and the side requests (codex compresses its
    // bodies, so which request offered tools cannot be told apart here; they are counted).
    const asked = server.seen.filter((s) => s.method === "POST" && s.url === "/openai/v1/responses");
    assert.equal(asked.length, commands.length + 1 + o.sideAnswers, server.seen.map((s) => s.url).join("\n"));
    assert.ok(asked.every((s) => s.headers.authorization === `Bearer ${KEY}`));
    await assertKeyStayedOnHost(guest, { key: KEY, keyVariable: "OPENAI_API_KEY", environ: seenLive.environ, cliDir: o.cliDir, log, limaHome: vm.limaHome });
  });
}
