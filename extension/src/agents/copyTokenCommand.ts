// The ssh command that writes the Claude token in the guest: a fixed remote command (nothing the
// user typed in it), the token on stdin. Apart from copyToken.ts so a test can run it on a real VM.
import { join } from "node:path";
import type { Vm } from "../../../helper/src/protocol";

/** Written beside the target first, so a broken connection never leaves half a token. */
export const REMOTE_COMMAND =
  "umask 077 && mkdir -p ~/.claude && cat > ~/.claude/.credentials.json.nixlima && chmod 600 ~/.claude/.credentials.json.nixlima && mv -f ~/.claude/.credentials.json.nixlima ~/.claude/.credentials.json";

export function copyTokenArgv(vm: Vm): string[] {
  return ["-F", vm.sshConfigFile ?? join(vm.dir, "ssh.config"), "-o", "BatchMode=yes", vm.hostname, "--", REMOTE_COMMAND];
}

