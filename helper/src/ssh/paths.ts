// Where the files live, and how a path is written into an ssh config so that OpenSSH reads back
// exactly that path.
import { homedir, userInfo } from "node:os";
import { isAbsolute, join, relative, sep } from "node:path";
import { NixlimaError } from "../errors";

/** nixlima's own ssh folder: $NIXLIMA_SSH_DIR, else $XDG_CONFIG_HOME/nixlima/ssh, else ~/.config/nixlima/ssh. */
export function defaultNixlimaSshDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIXLIMA_SSH_DIR) return env.NIXLIMA_SSH_DIR;
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(base, "nixlima", "ssh");
}

/** The config Remote-SSH reads when `remote.SSH.configFile` is empty. */
export function defaultUserSshConfig(): string {
  return join(homedir(), ".ssh", "config");
}

/** The file the user's config Includes; it in turn Includes each VM's Lima ssh.config. */
export const nixlimaConfigName = "config";

/**
 * `path` as an ssh config argument: `~/…` when under the account's home (OpenSSH expands `~`
 * from the password database, not $HOME, so that is the home we compare with), double-quoted,
 * glob characters escaped (Include takes a glob). Characters that no quoting makes safe across
 * OpenSSH versions (`"`, `%` tokens since 9.9, backslashes, line breaks, NUL) are refused.
 */
export function sshConfigPathArg(path: string, home: string = accountHome()): string {
  if (/["%\\\r\n\0]/.test(path)) {
    throw new NixlimaError("usage", `The path ${JSON.stringify(path)} contains a quote, %, backslash or line break that ssh cannot read back; choose a folder without them (NIXLIMA_SSH_DIR or LIMA_HOME).`);
  }
  const rel = relative(home, path);
  const underHome = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  const shown = underHome ? `~/${rel.split(sep).join("/")}` : path;
  return `"${shown.replace(/([*?[\]])/g, "\\$1")}"`;
}

export function accountHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    return homedir();
  }
}
