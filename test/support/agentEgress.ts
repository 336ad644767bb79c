// A host off the egress allow list, for the real-CLI VM tests: Lima's host resolver answers
// DENIED with the guest's gateway, behind which a server on this host listens, so a refused
// connection is the filter's doing, not a missing network. The agent's shell command tries both
// (resolve the name, connect to the address); the checks: NXDOMAIN, the filter's reject rule
// counted, nothing reached the host's server, while Lima's user reaches both.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before } from "node:test";
import type { GuestShell } from "./agentGuest";

export const DENIED = "denied.nixlima.test";
export const GATEWAY = "192.168.5.2";
/** Lima's host resolver entry for the VM's config (realAgentVm's `hosts`). */
export const DENIED_HOSTS = { [DENIED]: GATEWAY };
/** Where the agent's command writes what its tries gave, in its home. */
export const EGRESS_FILE = "egress.txt";

export interface DeniedHost {
  /** The agent's tries, as one shell command: resolve the name, send a request straight to its address. */
  agentCommand(): string;
  /** Packets the egress filter rejected so far (the counter on its closing reject rule). */
  rejected(): Promise<number>;
  /** The checks, after the agent ran agentCommand(); `rejectedBefore` is rejected() before the run. */
  assertRefused(rejectedBefore: number): Promise<void>;
}

/** Registers the before() that starts the host's server and the after() that stops it. */
export function deniedHost(guest: GuestShell): DeniedHost {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? "");
    res.end("hello from the host\n");
  });
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());
  /** An HTTP request for `path` to host:port over bash's /dev/tcp (the guest has no curl). */
  const httpGet = (host: string, path: string) => `exec 3<>/dev/tcp/${host}/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;
  const rejected = async () => {
    const chain = await guest("sudo nft list chain inet nixlima_egress agent");
    const m = /counter packets (\d+) bytes \d+ reject/.exec(chain);
    assert.ok(m, chain);
    return Number(m[1]);
  };
  return {
    agentCommand: () =>
      `{ getent hosts ${DENIED}; echo "dns:$?"; timeout 10 bash -c "exec 3<>/dev/tcp/${GATEWAY}/${port} && printf 'GET /from-agent HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"; echo "tcp:$?"; } > ~/${EGRESS_FILE} 2>&1`,
    rejected,
    async assertRefused(rejectedBefore) {
      // The name got NXDOMAIN (getent: 2), the connection was rejected and never reached the host.
      const egress = await guest(`sudo cat /home/agent/${EGRESS_FILE}`);
      assert.match(egress, /^dns:2$/m, egress);
      assert.match(egress, /^tcp:[1-9]\d*$/m, egress);
      assert.ok((await rejected()) > rejectedBefore, "the egress filter's reject rule counted no packet");
      assert.deepEqual(asked.filter((p) => p === "/from-agent"), []);
      // Lima's user, outside the filter, reaches both.
      assert.match(await guest(`getent hosts ${DENIED}`), new RegExp(`^${GATEWAY.replaceAll(".", "\\.")}\\s`));
      assert.match(await guest(httpGet(GATEWAY, "/from-lima")), /hello from the host/);
      assert.ok(asked.includes("/from-lima"));
    },
  };
}
