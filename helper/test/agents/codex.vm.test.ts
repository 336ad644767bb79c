// The real Codex CLI dispatched by `nixlima dispatch` into the real test VM (real limactl, QEMU
// guest, OpenSSH, sudo, git), made an agent sandbox from what nixlima's modules render
// (test/support/agentGuest.ts); set-up step 50's pinned static binary is copied into the guest
// (standing in for the NixOS module's package install). Its model is the scripted Responses API
// server of test/support/responsesServer.ts (FAKE: no model is reachable here), upstream of the
// task's proxy over TLS; the CLI, its tools, the proxy, the ssh forward and the guest are real.
// Lima's host resolver answers a name off the egress allow list with the guest's gateway, behind
// which a server on this host listens, so a refused connection is the filter's doing, not a
// missing network. Checks: the work comes back as the branch; the agent ran as `agent` without
// sudo and with the autonomy flag; the name off the list got NXDOMAIN and a connection to its
// address was rejected by the filter, while Lima's user reaches both; the real key was in no
// guest process's environment, no guest file and not in the task's log. And the budget: a limit
// below two answers stops the real codex with outcome "budget", the proxy refusing with 402.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { stringify } from "yaml";
import { DISPATCH_SCRIPT } from "../../src/dispatch/remoteScript";
import { budgetSentence } from "../../src/shared/usageWords";
import { installAgentSandbox } from "../../../test/support/agentGuest";
import { assertKeyStayedOnHost, guestProcesses } from "../../../test/support/agentKey";
import { installRealAgent, PROBE_COMMAND, PROBE_FILE, SCRIPTED_FILE } from "../../../test/support/agentCli";
import { BUDGET_PROBE, BUDGET_PROBE_FILE, BUDGET_PROBE_PATH, BUDGET_PROBE_STARTED, START_BUDGET_PROBE } from "../../../test/support/budgetProbe";
import { hostRepoWithHooks, type HostRepo } from "../../../test/support/hostRepo";
import { tempLimaHome } from "../../../test/support/lima";
import { withUpstream } from "../../../test/support/modelServer";
import { RESPONSES_USAGE, startResponsesServer, type ResponsesServer } from "../../../test/support/responsesServer";
import { testVmConfig } from "../../../test/support/testVm";
import { bootTestVm, destroyInstance, guestShell, secondsSince } from "../../../test/support/testVmRun";
import { nixlima } from "../audit/cliHarness";
import { evalProfile } from "../nix/evalModules";
import { tempNix } from "../nix/nixEnv";

const NAME = "realcodex";
const FLAG = "--dangerously-bypass-approvals-and-sandbox";
const DENIED = "denied.nixlima.test";
const GATEWAY = "192.168.5.2";
const CONTENT = "written by the real codex on the scripted model's word";
const EGRESS_FILE = "egress.txt";
const lima = tempLimaHome();
const nix = tempNix();
const repos: HostRepo[] = [];
/** The paths the host's server behind the denied name was asked for. */
const hostAsked: string[] = [];
let hostServer: Server;
let port = 0;

const guest = (script: string, input?: string) => guestShell(lima.dir, NAME, script, input);
/** An HTTP request for `path` to host:port over bash's /dev/tcp (the guest has no curl). */
const httpGet = (host: string, path: string) => `exec 3<>/dev/tcp/${host}/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;

before(async () => {
  hostServer = createServer((req, res) => {
    hostAsked.push(req.url ?? "");
    res.end("hello from the host\n");
  });
  await new Promise<void>((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
  port = (hostServer.address() as AddressInfo).port;
  const rendered = await evalProfile(nix.env, "agent", {});
  await bootTestVm(lima.dir, NAME, "real codex", stringify({ ...testVmConfig({}), hostResolver: { hosts: { [DENIED]: GATEWAY } } }));
  await installAgentSandbox(guest, rendered);
  await guest(`sudo tee ${BUDGET_PROBE_PATH} > /dev/null && sudo chmod 755 ${BUDGET_PROBE_PATH}`, BUDGET_PROBE);
  const start = performance.now();
  await installRealAgent(lima.dir, NAME, "codex");
  console.log(`real codex: binaries copied into the guest in ${secondsSince(start)} s`);
});

after(async () => {
  await destroyInstance(lima.dir, NAME);
  lima.dispose();
  nix.dispose();
  for (const r of repos) r.dispose();
  hostServer?.close();
});

function newRepo(): { repo: HostRepo; base: string; prompt: string } {
  const repo = hostRepoWithHooks({ "notes.txt": "start\n" });
  repos.push(repo);
  const prompt = join(repo.root, "..", "PROMPT.md");
  writeFileSync(prompt, "Do the scripted task.\n");
  return { repo, base: repo.git("rev-parse", "HEAD").trim(), prompt };
}

/** Packets the egress filter rejected so far (the counter on its closing reject rule). */
async function rejected(): Promise<number> {
  const chain = await guest("sudo nft list chain inet nixlima_egress agent");
  const m = /counter packets (\d+) bytes \d+ reject/.exec(chain);
  assert.ok(m, chain);
  return Number(m[1]);
}

/** Waits until the model's held answer is asked for, failing if the dispatch ends first. */
async function untilHeld(server: ResponsesServer, running: Promise<{ stdout: string; stderr: string }>): Promise<void> {
  const first = await Promise.race([server.held.then(() => undefined), running]);
  if (first) assert.fail(`the dispatch ended before codex asked for the held step:\n${first.stdout}${first.stderr}`);
}

/** The agent's tries: resolve the name off the list, and send a request straight to its address. */
const egressCommand = () =>
  `{ getent hosts ${DENIED}; echo "dns:$?"; timeout 10 bash -c "exec 3<>/dev/tcp/${GATEWAY}/${port} && printf 'GET /from-agent HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"; echo "tcp:$?"; } > ~/${EGRESS_FILE} 2>&1`;

test("nixlima dispatch runs the real codex as the agent user: its file comes back as the branch, sudo and a host off the allow list are refused, the key never enters the VM", { timeout: 900_000 }, async () => {
  const KEY = `sk-proj-real-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  await guest(`sudo rm -f /home/agent/${PROBE_FILE} /home/agent/${EGRESS_FILE}`);
  const rejectedBefore = await rejected();
  const commands = [`echo "${CONTENT}" > ${SCRIPTED_FILE}`, PROBE_COMMAND, egressCommand(), "touch .nixlima-done"];
  // The answer to the request after the egress step waits: codex is running while the test looks.
  const server = await startResponsesServer(commands, { tls: true, holdAt: 3 });
  const { repo, base, prompt } = newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const running = nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "codex", "--project", repo.root], { OPENAI_API_KEY: KEY });
    await untilHeld(server, running);
    const seenLive = await guestProcesses(guest, "codex");
    server.release();
    const run = await running;
    console.log(`real codex: dispatch to branch in ${secondsSince(start)} s (the model held one answer for the look at the guest)`);
    const log = run.stdout + run.stderr;
    assert.equal(run.code, 0, log);

    // The work: exactly the file the scripted command wrote, on branch nixlima/VM/TASK.
    const branch = /on branch (nixlima\/realcodex\/[0-9a-f]{8}) of /.exec(run.stdout)?.[1];
    assert.ok(branch, log);
    assert.deepEqual(repo.git("diff", "--name-only", base, branch).trim().split("\n"), [SCRIPTED_FILE]);
    assert.equal(repo.git("show", `${branch}:${SCRIPTED_FILE}`), `${CONTENT}\n`);
    assert.equal(repo.hookRuns(), "");
    assert.equal(server.toolOutputs.length, commands.length, server.toolOutputs.join("\n"));

    // Who ran it, with which flag: the agent user, sudo refused, the autonomy flag on its command line.
    assert.equal((await guest(`sudo cat /home/agent/${PROBE_FILE}`)).trim(), "user:agent\nsudo:no");
    assert.ok(seenLive.commands.some((l) => l.startsWith(`agent codex exec ${FLAG} `)), seenLive.commands.join("\n"));
    assert.match(DISPATCH_SCRIPT, new RegExp(`codex exec ${FLAG} "\\$@" - <`));

    // Egress: the name off the list got NXDOMAIN (getent: 2), the connection to its address was
    // rejected by the filter and never reached the host's server; Lima's user reaches both.
    const egress = await guest(`sudo cat /home/agent/${EGRESS_FILE}`);
    assert.match(egress, /^dns:2$/m, egress);
    assert.match(egress, /^tcp:[1-9]\d*$/m, egress);
    assert.ok((await rejected()) > rejectedBefore, "the egress filter's reject rule counted no packet");
    assert.deepEqual(hostAsked.filter((p) => p === "/from-agent"), []);
    assert.match(await guest(`getent hosts ${DENIED}`), new RegExp(`^${GATEWAY.replaceAll(".", "\\.")}\\s`));
    assert.match(await guest(httpGet(GATEWAY, "/from-lima")), /hello from the host/);
    assert.ok(hostAsked.includes("/from-lima"));

    // The key: the upstream got it from the proxy; in the guest only the token ever was.
    const asked = server.seen.filter((s) => s.method === "POST" && s.url === "/openai/v1/responses");
    assert.equal(asked.length, commands.length + 1, server.seen.map((s) => s.url).join("\n"));
    assert.ok(asked.every((s) => s.headers.authorization === `Bearer ${KEY}`));
    await assertKeyStayedOnHost(guest, { key: KEY, keyVariable: "OPENAI_API_KEY", environ: seenLive.environ, cliDir: "/home/agent/.codex", log, limaHome: lima.dir });
  });
});

test("the real codex is stopped once the task's token budget is used: outcome budget, its sentence, the proxy refusing with 402", { timeout: 900_000 }, async () => {
  await guest(`sudo rm -f /home/agent/${BUDGET_PROBE_FILE} /home/agent/${BUDGET_PROBE_STARTED}`);
  const perAnswer = RESPONSES_USAGE.input_tokens + RESPONSES_USAGE.output_tokens;
  // The first answer leaves budget; the second uses it while codex has a long command to run.
  const limit = perAnswer + 50;
  const server = await startResponsesServer([START_BUDGET_PROBE, "sleep 600 && touch .nixlima-done"], { tls: true });
  const { repo, prompt } = newRepo();
  await withUpstream(server, async () => {
    const start = performance.now();
    const run = await nixlima(lima.dir, ["dispatch", NAME, prompt, "--agent", "codex", "--project", repo.root, "--max-tokens", String(limit)], { OPENAI_API_KEY: "sk-proj-budget-test" });
    console.log(`real codex: dispatch to budget stop in ${secondsSince(start)} s`);
    const log = run.stdout + run.stderr;
    // A dispatch that failed before its agent ran: the guest's memory, disk and kernel messages beside its log.
    if (!run.stdout.includes(`--- codex in ${NAME}`)) assert.fail(`${log}\n${await guest("free -m; df -h / /tmp; sudo dmesg | tail -n 20; true")}`);
    assert.notEqual(run.code, 0, log);
    assert.match(run.stdout, new RegExp(`--- codex in ${NAME}: budget after 1 round, [\\d.]+ s, killed; ${(2 * RESPONSES_USAGE.input_tokens).toString()} in · ${2 * RESPONSES_USAGE.output_tokens} out`), log);
    assert.ok(run.stdout.includes(budgetSentence({ maxTokens: limit })), log);
    // Two answers reached codex; no request after the limit reached the model.
    assert.equal(server.seen.filter((s) => s.url === "/openai/v1/responses").length, 2, server.seen.map((s) => s.url).join("\n"));
    // The proxy passed the probe's requests while the budget lasted, then refused with 402.
    const probe = await guest(`sudo cat /home/agent/${BUDGET_PROBE_FILE} 2>&1; true`);
    const why = `${probe}\nasked: ${server.seen.map((s) => s.url).join(" ")}\ncodex's tool outputs:\n${server.toolOutputs.map((o) => o.slice(0, 400)).join("\n")}\n${log}`;
    assert.match(probe, /^(404\n)+402\nanswer: /, why);
    assert.match(probe, new RegExp(`^answer: .*This task used its budget of ${limit} tokens\\. nixlima refuses its further model requests\\.`, "m"), why);
    // The real codex was stopped in its long command: nothing of the agent user runs, no done marker came back.
    assert.equal((await guest("pgrep -c -u agent; true")).trim(), "0");
    assert.match(run.stdout, /no branch was made|no changes/, log);
  });
});
