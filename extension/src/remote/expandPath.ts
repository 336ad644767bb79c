// Remote-SSH's configFile may say `~`, `${userHome}` or `${env:NAME}`; nixlima must write the
// same file Remote-SSH reads.
import { homedir } from "node:os";

export function expandPath(path: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return path
    .replace(/^~(?=$|[\\/])/, home)
    .replace(/\$\{userHome\}/g, home)
    .replace(/\$\{env:([^}]+)\}/g, (_, name: string) => env[name] ?? "");
}
