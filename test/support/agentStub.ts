// FAKE agent for dispatch tests on the real test VM: one bash script installed in the guest as
// `claude`, `codex` and `opencode`. It stays where a real CLI cannot show what a test checks (its
// exact argv and stdin, failing with a chosen exit code, sleeping for a stop, several rounds, the
// UI tests' quick runs); the real Claude Code, Codex and OpenCode do real work in the guest in
// helper/test/agents/claude.vm.test.ts, codex.vm.test.ts and opencode.vm.test.ts.
// It records what it got (its name, arguments, both key variables, stdin, folder, Anthropic base URL) in
// /tmp/stub.log, then acts by the mode in /tmp/stub.mode (see `resetAgentStub`); `probe` records
// who it runs as, its variables' names, whether sudo works and whether it can write agent.json;
// `ask` sends one Messages API request to $ANTHROPIC_BASE_URL with its token (bash's /dev/tcp: the
// test guest has no curl), so the task's proxy counts its usage, then holds until /tmp/stub.release.
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { testVmConfig } from "./testVm";
import { guestShell, limactl } from "./testVmRun";

/**
 * The Debian test guest as a FAKE of nixlima's agent image, which cannot be built here: its
 * lima.yaml names the agent template the way nixlima's does, so the VM row offers Dispatch.
 */
export const FAKE_AGENT_VM_YAML = `# nixlima template "agent": FAKE, the Debian test guest\n${stringify(testVmConfig({}))}`;

const STUB = String.raw`#!/bin/bash
n=$(( $(cat /tmp/stub.count 2>/dev/null || echo 0) + 1 )); echo "$n" > /tmp/stub.count
{ echo "round $n"; echo "as:$(basename "$0")"; printf 'arg:%s\n' "$@"
  echo "key:$(printenv ANTHROPIC_API_KEY || echo unset)"; echo "openai:$(printenv OPENAI_API_KEY || echo unset)"
  echo "stdin:$(cat)"; echo "pwd:$PWD"; echo "base:$(printenv ANTHROPIC_BASE_URL || echo unset)"; } >> /tmp/stub.log
case $(cat /tmp/stub.mode) in
  edit) echo "edited in round $n" >> notes.txt; echo "stub: edited notes.txt" ;;
  slow) echo "stub: thinking"; sleep 8; echo "edited in round $n" >> notes.txt; echo "stub: edited notes.txt" ;;
  loop) echo "loop round $n" >> notes.txt; echo "stub: round $n"; [ "$n" -ge 2 ] && touch .nixlima-done ;;
  fail) echo "stub: failing" >&2; exit 3 ;;
  probe) { echo "user:$(id -un)"; echo "home:$HOME"; echo "env:$(env | cut -d= -f1 | sort | tr '\n' ' ')"
      if sudo -n true 2> /dev/null; then echo "sudo:yes"; else echo "sudo:no"; fi
      if : >> /etc/nixlima/agent.json 2> /dev/null; then echo "facts:writable"; else echo "facts:refused"; fi; } >> /tmp/stub.log
    echo "changed by the agent" >> notes.txt; echo "stub: probed" ;;
  sleep) sleep 300 & echo "$$ $!" > /tmp/stub.pids; echo "stub: sleeping"; wait ;;
  breakgit) rm -rf .git; echo "stub: removed the clone's .git" ;;
  ask) IFS=/: read -r _ _ _ host port api <<< "$ANTHROPIC_BASE_URL"
    body='{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}'
    exec 3<> "/dev/tcp/$host/$port"
    printf 'POST /%s/v1/messages HTTP/1.1\r\nHost: %s:%s\r\nx-api-key: %s\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: %s\r\nconnection: close\r\n\r\n%s' \
      "$api" "$host" "$port" "$ANTHROPIC_API_KEY" "$(printf %s "$body" | wc -c)" "$body" >&3
    answer=$(cat <&3); exec 3<&-
    echo "stub: asked the model: $(printf '%s\n' "$answer" | head -n 1 | tr -d '\r')"
    until [ -e /tmp/stub.release ]; do sleep 1; done
    echo "edited in round $n" >> notes.txt; echo "stub: edited notes.txt" ;;
  escape) setsid sleep 300 < /dev/null > /dev/null 2>&1 & echo "$!" > /tmp/stub.pids; echo "stub: left a process in a session of its own" ;;
esac
exit 0
`;

export type AgentStubMode = "edit" | "slow" | "loop" | "fail" | "sleep" | "probe" | "escape" | "breakgit" | "ask";

/** Installs the stand-in (and the host's git, which the test guest lacks); returns a fresh git repository's path in the guest. */
export async function installAgentStub(limaHome: string, vm: string): Promise<string> {
  // The host's git: same Debian release, needs only libc, zlib and pcre2.
  await limactl(limaHome, ["shell", vm, "--", "sudo", "tee", "/usr/local/bin/git"], { input: readFileSync("/usr/bin/git") as unknown as string });
  await guestShell(limaHome, vm, "sudo chmod 755 /usr/local/bin/git && sudo tee /usr/local/bin/claude > /dev/null && sudo chmod 755 /usr/local/bin/claude", STUB);
  await guestShell(limaHome, vm, "for a in codex opencode; do sudo ln -s claude /usr/local/bin/$a; done");
  const repo = `d=$HOME/repo; mkdir -p "$d" && cd "$d" && git init -q && git config user.email t@e && git config user.name t && echo start > notes.txt && git add notes.txt && git commit -qm init && echo "$d"`;
  return (await guestShell(limaHome, vm, repo)).trim();
}

/** A clean start for the next run: no record, the repository back at its commit, the given mode. */
export async function resetAgentStub(limaHome: string, vm: string, repo: string, mode: AgentStubMode): Promise<void> {
  await guestShell(limaHome, vm, `sudo rm -f /tmp/stub.count /tmp/stub.log /tmp/stub.pids /tmp/stub.mode /tmp/stub.release; echo ${mode} > /tmp/stub.mode; cd "${repo}" && git reset -q --hard && git clean -qfdx`);
}
