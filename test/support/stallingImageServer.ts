// An image server on loopback that announces a 1 GiB image, sends 64 KiB of it and then stalls:
// tests use it to catch a create mid-download (Lima has made the instance folder by then).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StallingImageServer {
  url: string;
  /** Requests received so far (HEAD included). */
  requests(): number;
  close(): void;
}

export async function startStallingImageServer(): Promise<StallingImageServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(1024 ** 3) });
    if (req.method === "HEAD") res.end();
    else res.write(Buffer.alloc(64 * 1024));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/nixos.qcow2`,
    requests: () => requests,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
