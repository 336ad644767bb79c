// NixOS's name-service cache (nscd/nsncd) closed to the agent user, read from the modules
// evaluated with the real module system (evalModules.ts): nscd resolves as its own user, so
// without this the agent could resolve (and send data out in) any name past the per-user DNS
// filter. What glibc does once the socket is closed is explained in nix/modules/agent-nscd.nix;
// only a NixOS guest shows the ACL taking effect on nsncd's real socket.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { tempNix } from "./nixEnv";
import { evalProfile } from "./evalModules";

const nix = tempNix();
after(() => nix.dispose());
const render = (profile: string, config: object = {}) => evalProfile(nix.env, profile, config);
const agentConfig = (agent: object, rest: object = {}) => ({ services: { nixlima: { agent } }, ...rest });

/** The one ExecStartPre command that closes nscd's folder, split into its parts. */
function closingCommand(startPre: string[]): { privileged: boolean; program: string; args: string[] } {
  assert.equal(startPre.length, 1, startPre.join("\n"));
  const [program, ...args] = startPre[0]!.split(" ");
  return { privileged: program!.startsWith("+"), program: program!.replace(/^\+/, ""), args };
}

test("agent: before nscd starts, its runtime folder gets an empty ACL entry for the agent's uid", async () => {
  const r = await render("agent");
  const cmd = closingCommand(r.nscdStartPre);
  assert.ok(cmd.privileged, "runs as root whatever nscd's User= is");
  assert.match(cmd.program, /-acl\/bin\/setfacl$/);
  // The folder, not the socket: systemd makes it before ExecStartPre, so the socket never exists
  // open to the agent. Its uid is the one the nftables rules match.
  assert.deepEqual(cmd.args, ["--modify", "user:2000:---", "/run/nscd"]);
  assert.match(r.nftables, /meta skuid 2000 jump agent/);
});

for (const profile of ["minimal", "dev"]) {
  test(`${profile}: nscd stays NixOS's own, open to every user`, async () => {
    const r = await render(profile);
    assert.deepEqual(r.nscdStartPre, []);
  });
}

test("agent module imported but not enabled: nscd is left alone", async () => {
  const r = await render("agent-module", agentConfig({ agents: { claude: { enable: true } } }));
  assert.deepEqual(r.nscdStartPre, []);
  assert.equal(r.nftables, "");
});

test("nscd turned off: no half nscd unit is declared, and the egress filter stays", async () => {
  const r = await render("agent", { services: { nscd: { enable: false } } });
  assert.deepEqual(r.nscdStartPre, []);
  assert.match(r.nftables, /meta skuid 2000 jump agent/);
});

test("a custom user and uid: the ACL names that uid, the same one the filter matches", async () => {
  const r = await render("agent", agentConfig({ user: "bot" }, { users: { users: { bot: { uid: 3100 } } } }));
  assert.deepEqual(closingCommand(r.nscdStartPre).args, ["--modify", "user:3100:---", "/run/nscd"]);
  assert.match(r.nftables, /meta skuid 3100 jump agent/);
  assert.doesNotMatch(r.nscdStartPre.join("\n") + r.nftables, /\b2000\b/);
});

test("an agent user without a uid stops the evaluation with one sentence", async () => {
  await assert.rejects(
    render("agent", { users: { users: { agent: { uid: null } } } }),
    /needs a fixed uid for users\.users\.agent/,
  );
});

test("the agent's own lookups still reach dnsmasq: nsswitch.conf asks files, then dns", async () => {
  const r = await render("agent");
  const files = r.nsswitchHosts.indexOf("files");
  const dns = r.nsswitchHosts.indexOf("dns");
  assert.ok(files >= 0 && dns > files, r.nsswitchHosts.join(" "));
});

test("a hosts line without dns stops the evaluation: the agent could resolve no allowed name", async () => {
  // What `system.nssDatabases.hosts = lib.mkForce [ … ]` is, written as JSON.
  const hosts = { _type: "override", priority: 50, content: ["files", "resolve"] };
  await assert.rejects(
    render("agent", { system: { nssDatabases: { hosts } } }),
    /needs `files` and `dns` in system\.nssDatabases\.hosts/,
  );
  const minimal = await render("minimal", { system: { nssDatabases: { hosts } } });
  assert.deepEqual(minimal.nsswitchHosts, ["files", "resolve"], "only the sandbox needs dns");
});
