// Runs `npm start`'s own script (scripts/launch.mjs) the way a person does on a machine without
// desktop VS Code, in a scratch HOME, user-data dir and LIMA_HOME, and hands back the address it
// printed. The environment variables below only steer where it puts things (see launch.mjs).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killMarked } from "./codeServer";
import { qemuEnv, repoRoot } from "./lima";

const URL_LINE = /nixlima runs in code-server at (http:\/\/127\.0\.0\.1:\d+\/)/;
const ADDRESS_TIMEOUT_MS = 120_000;

export interface NpmStart {
  url: string;
  /** Where launch.mjs keeps code-server's user data, and its log file npm-start.log. */
  dataDir: string;
  /** Everything the script printed to the console so far. */
  printed(): string;
  /** Ctrl-C as a terminal sends it (SIGINT to the whole group); resolves with the exit status. */
  interrupt(): Promise<number | null>;
  dispose(): void;
}

export interface NpmStartOptions {
  vsix: string;
  limaHome: string;
  /** More environment for the script and so for code-server and the helper (e.g. NIXLIMA_TEMPLATES). */
  env?: Record<string, string>;
  /** User settings already there when the script starts, which it keeps (as it keeps a person's). */
  settings?: Record<string, unknown>;
}

export async function runNpmStart(options: NpmStartOptions): Promise<NpmStart> {
  const root = mkdtempSync("/tmp/nst-");
  for (const dir of ["home", "run"]) mkdirSync(join(root, dir), { mode: 0o700 });
  const dataDir = join(root, "data");
  if (options.settings) {
    mkdirSync(join(dataDir, "User"), { recursive: true, mode: 0o700 });
    writeFileSync(join(dataDir, "User/settings.json"), JSON.stringify(options.settings, null, 2));
  }
  const child = spawn(process.execPath, [join(repoRoot, "scripts/launch.mjs")], {
    env: {
      ...process.env,
      ...qemuEnv,
      LIMA_HOME: options.limaHome,
      HOME: join(root, "home"),
      XDG_RUNTIME_DIR: join(root, "run"),
      CODE_SERVER_CONFIG: join(root, "config.yaml"),
      // Marks every process of this session, so dispose() also finds the extension's detached helper.
      NIXLIMA_TEST_SESSION: root,
      NIXLIMA_START_PORT: "0",
      NIXLIMA_START_DATA_DIR: dataDir,
      NIXLIMA_START_VSIX: options.vsix,
      NIXLIMA_START_EDITOR: "code-server",
      NIXLIMA_START_BROWSER: "0",
      ...options.env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const dispose = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    killMarked(`NIXLIMA_TEST_SESSION=${root}`);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed within ${ADDRESS_TIMEOUT_MS} ms`)), ADDRESS_TIMEOUT_MS);
      const onData = (data: Buffer) => {
        printed += data.toString();
        const match = URL_LINE.exec(printed);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      void exited.then((code) => reject(new Error(`launch.mjs exited (${code}) before printing an address`)));
    });
    return {
      url,
      dataDir,
      printed: () => printed,
      interrupt: () => {
        process.kill(-child.pid!, "SIGINT");
        return exited;
      },
      dispose,
    };
  } catch (err) {
    dispose();
    throw new Error(`npm start: ${err instanceof Error ? err.message : String(err)}\n${printed}`, { cause: err });
  }
}
