// A dispatch of the real Claude Code CLI to a running agent sandbox (the test guest made one from
// what nixlima's agent module renders, as helper/test/agents/claude.vm.test.ts does), for a
// one-file repository and one of 10,000 files: seconds from `nixlima dispatch` to the agent's
// first model request (the clone in, the task's proxy and ssh forward, the agent starting) and
// to the branch back; and the size of the round trip, the two git bundles the dispatch carries
// (in: the host's HEAD; out: the agent's commits), as git makes them on the host. The model is
// the scripted server of test/support/modelServer.ts (FAKE: no model is reachable here). Boots
// the test guest once: only when asked.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { nixlima } from "../helper/test/audit/cliHarness";
import { evalProfile } from "../helper/test/nix/evalModules";
import { tempNix } from "../helper/test/nix/nixEnv";
import { installAgentSandbox } from "../test/support/agentGuest";
import { installRealAgent, scriptedSteps } from "../test/support/agentCli";
import { hostRepoWithHooks, type HostRepo } from "../test/support/hostRepo";
import { tempLimaHome } from "../test/support/lima";
import { startModelServer, withUpstream, type ModelServer } from "../test/support/modelServer";
import { bootTestVm, destroyInstance, guestShell } from "../test/support/testVmRun";
import { report } from "./stats";

const NAME = "bench-dispatch";

/** n small files in a few folders, as a source tree has them. */
function sourceTree(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[n === 1 ? "notes.txt" : `f${i}.txt`] = `line ${i}\n`.repeat(1 + (i % 20));
  return files;
}

const bundleBytes = (root: string, ...revs: string[]) => execFileSync("git", ["-C", root, "bundle", "create", "-q", "-", ...revs], { maxBuffer: 1 << 30 }).length;

/** One dispatch: seconds to the first model request and to the end, and the bundles' sizes. */
async function dispatchOnce(limaHome: string, files: number): Promise<Record<string, number>> {
  const repo = hostRepoWithHooks(sourceTree(files));
  const server = await startModelServer(scriptedSteps(), { tls: true });
  try {
    return await withUpstream(server, () => timedDispatch(limaHome, repo, server));
  } finally {
    repo.dispose();
  }
}

/** Dispatches the real claude with the repository's clone; what dispatchOnce reports. */
async function timedDispatch(limaHome: string, repo: HostRepo, server: ModelServer): Promise<Record<string, number>> {
  const prompt = join(repo.root, "..", "PROMPT.md");
  writeFileSync(prompt, "Do the scripted task.\n");
  const base = repo.git("rev-parse", "HEAD").trim();
  const start = performance.now();
  let firstRequest = NaN;
  const running = nixlima(limaHome, ["dispatch", NAME, prompt, "--agent", "claude", "--project", repo.root], { ANTHROPIC_API_KEY: "sk-ant-bench" });
  let ended = false;
  // Both ways: a rejection is awaited below, and must not also go unhandled here.
  void running.then(
    () => (ended = true),
    () => (ended = true),
  );
  while (!ended && Number.isNaN(firstRequest)) {
    if (server.seen.some((s) => s.url.startsWith("/anthropic/v1/messages"))) firstRequest = performance.now() - start;
    else await sleep(50);
  }
  const run = await running;
  const total = performance.now() - start;
  const branch = /on branch (nixlima\/\S+\/[0-9a-f]{8}) of /.exec(run.stdout)?.[1];
  if (run.code !== 0 || !branch || Number.isNaN(firstRequest)) throw new Error(`the dispatch failed:\n${run.stdout}${run.stderr}`);
  return {
    "to the first model request (s)": firstRequest / 1000,
    "to the branch back (s)": total / 1000,
    "bundle in (KiB)": bundleBytes(repo.root, "HEAD") / 1024,
    "bundle out (KiB)": bundleBytes(repo.root, `^${base}`, branch) / 1024,
  };
}

export async function benchDispatchRoundTrip(): Promise<void> {
  const lima = tempLimaHome();
  const nix = tempNix();
  try {
    const rendered = await evalProfile(nix.env, "agent", {});
    await bootTestVm(lima.dir, NAME, "bench dispatch");
    await installAgentSandbox((script, input) => guestShell(lima.dir, NAME, script, input), rendered);
    await installRealAgent(lima.dir, NAME, "claude");
    const small = await dispatchOnce(lima.dir, 1);
    const large = await dispatchOnce(lima.dir, 10_000);
    report("dispatch of the real claude to a running agent sandbox, 1 file", small);
    report("the same, a repository of 10,000 files", large);
    report("10,000 files against 1 (ratios within this run)", {
      "time to the first model request": large["to the first model request (s)"]! / small["to the first model request (s)"]!,
      "time to the branch back": large["to the branch back (s)"]! / small["to the branch back (s)"]!,
    });
  } finally {
    await destroyInstance(lima.dir, NAME);
    lima.dispose();
    nix.dispose();
  }
}
