// Host sockets in the rendered lima.yaml: real unix sockets on the host, each forwarded to its
// fixed guest path with reverse: true, and the env that points DOCKER_HOST / SSH_AUTH_SOCK there.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { availableHostSockets, parseSocketSpec, planHostSockets } from "../../src/templates/hostSockets";
import { parseTemplate, renderTemplate } from "../../src/templates/render";
import { tempLimaHome } from "../../../test/support/lima";

const scratch = tempLimaHome();
const servers: Server[] = [];
after(() => {
  servers.forEach((s) => s.close());
  scratch.dispose();
});

async function socketAt(path: string): Promise<string> {
  mkdirSync(join(path, ".."), { recursive: true });
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
}

test("docker and ssh-agent sockets get fixed guest paths, reverse forwards and the env that finds them", async () => {
  const docker = await socketAt(join(scratch.dir, "d", "docker.sock"));
  const agent = await socketAt(join(scratch.dir, "a", "agent.sock"));
  const other = await socketAt(join(scratch.dir, "o", "my app.sock"));
  const plan = planHostSockets([
    { kind: "docker", hostPath: docker },
    { kind: "ssh-agent", hostPath: agent },
    { kind: "other", hostPath: other },
  ]);
  const doc = parseTemplate("images: [{location: /x}]\nportForwards:\n- guestPort: 68\n  proto: udp\n  ignore: true\n", "t.yaml");
  const yaml = parse(renderTemplate(doc, { sockets: plan }));
  assert.deepEqual(yaml.portForwards, [
    { guestSocket: "/run/host-services/docker.sock", hostSocket: docker, reverse: true },
    { guestSocket: "/run/host-services/host-ssh-agent.sock", hostSocket: agent, reverse: true },
    { guestSocket: "/run/host-services/my_app.sock", hostSocket: other, reverse: true },
    { guestPort: 68, proto: "udp", ignore: true },
  ]);
  assert.deepEqual(yaml.env, { DOCKER_HOST: "unix:///run/host-services/docker.sock", SSH_AUTH_SOCK: "/run/host-services/host-ssh-agent.sock" });
});

test("a path that is not a socket, and a second Docker socket, are refused in one sentence", async () => {
  const file = join(scratch.dir, "plain");
  writeFileSync(file, "");
  assert.throws(() => planHostSockets([{ kind: "other", hostPath: file }]), { code: "not-found", message: `${file} is not a unix socket on this host.` });
  assert.throws(() => planHostSockets([{ kind: "docker", hostPath: join(scratch.dir, "nothere.sock") }]), { code: "not-found" });
  const d = await socketAt(join(scratch.dir, "d2", "docker.sock"));
  assert.throws(() => planHostSockets([{ kind: "docker", hostPath: d }, { kind: "docker", hostPath: d }]), { message: "Only one Docker socket can be forwarded into a VM." });
});

test("--socket docker finds whichever engine's socket exists (Colima, Docker Desktop, OrbStack, Rancher Desktop)", async () => {
  const home = join(scratch.dir, "home");
  assert.deepEqual(availableHostSockets(home).filter((c) => c.path.startsWith(home)), []);
  assert.throws(() => parseSocketSpec("ssh-agent", home), { code: "not-found", message: /No 1Password ssh agent socket exists on this host/ });
  const orb = await socketAt(join(home, ".orbstack", "run", "docker.sock"));
  const found = parseSocketSpec("docker", home);
  // /var/run/docker.sock comes after the per-user engines, so OrbStack's wins when both exist.
  assert.deepEqual(found, { kind: "docker", hostPath: orb });
  const agent = await socketAt(join(home, ".1password", "agent.sock"));
  assert.deepEqual(parseSocketSpec("ssh-agent", home), { kind: "ssh-agent", hostPath: agent });
  assert.deepEqual(parseSocketSpec("docker=/x/y.sock", home), { kind: "docker", hostPath: "/x/y.sock" });
  assert.deepEqual(parseSocketSpec("/x/y.sock", home), { kind: "other", hostPath: "/x/y.sock" });
});
