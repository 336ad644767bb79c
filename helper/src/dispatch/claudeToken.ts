// "Copy Claude Token to VM…": the user's long-lived Claude login (~/.claude/.credentials.json)
// into a VM. The helper reads the file and runs ssh, so the window touches neither; the token
// travels on ssh's stdin to a fixed remote command (nothing the user typed in it) that creates
// the file with mode 0600. Its content is never logged.
import { access, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { NixlimaError } from "../errors";
import type { ClaudeToken, Vm } from "../protocol";
import { sshArgv } from "./guestSsh";

/** Written beside the target first, so a broken connection never leaves half a token. */
export const REMOTE_COMMAND =
  "umask 077 && mkdir -p ~/.claude && cat > ~/.claude/.credentials.json.nixlima && chmod 600 ~/.claude/.credentials.json.nixlima && mv -f ~/.claude/.credentials.json.nixlima ~/.claude/.credentials.json";

export const claudeTokenFile = (home: string = homedir()) => join(home, ".claude", ".credentials.json");

/** Where the token is and whether it is there, for the window to ask before copying. */
export async function findClaudeToken(file: string = claudeTokenFile()): Promise<ClaudeToken> {
  const present = await access(file).then(
    () => true,
    () => false,
  );
  return { path: file, present };
}

const missing = (file: string) => new NixlimaError("not-found", `There is no ${file}: log in with claude on this machine first.`);

export async function copyClaudeToken(vm: Vm, file: string = claudeTokenFile()): Promise<void> {
  const token = await readFile(file).catch(() => {
    throw missing(file);
  });
  const result = await execa("ssh", sshArgv(vm, REMOTE_COMMAND), { input: token, reject: false, stdout: "ignore", timeout: 60_000 });
  if (result.exitCode === 0) return;
  const why = String(result.stderr ?? "").trim().split("\n").at(-1) ?? "";
  const failure = result.timedOut ? "ssh timed out" : result.exitCode === undefined ? "ssh could not be started" : "ssh failed";
  throw new NixlimaError("failed", `Could not copy the Claude token into ${vm.name}: ${failure}${why ? `: ${why}` : "."}`);
}
