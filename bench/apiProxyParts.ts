// The two other parties of the proxy bench, each a process of its own as in life (the vendor is
// another machine, the proxy runs in the helper, the agent in the VM): forked by bench/apiProxy.ts
// with one message, { part: "vendor", key, cert }, { part: "proxy", vendorUrl, ca } (PEM text) or
// { part: "relay", vendorPort }; sends its port (and the proxy its token) back; the proxy and the
// relay then answer "cpu" with their CPU time.
import type { ServerResponse } from "node:http";
import { createServer } from "node:https";
import { connect, createServer as createTcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { startApiProxy } from "../helper/src/proxy/apiProxy";

export const STREAM_MIB = 32;
/** The rate `…/paced` streams at: a fast link (256 Mbit/s), far above what a model API sends. */
export const PACED_MIB_PER_S = 32;
const MIB = 1024 * 1024;
const EVENT = Buffer.from(`event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", delta: { text: "x".repeat(16_000) } })}\n\n`);

/** STREAM_MIB of events as fast as the client takes them. */
function flat(res: ServerResponse): void {
  let left = STREAM_MIB * MIB;
  const pump = () => {
    while (left > 0) {
      left -= EVENT.length;
      if (!res.write(EVENT)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

/** STREAM_MIB of events at PACED_MIB_PER_S: each tick sends what is due by then, so a late timer catches up. */
function paced(res: ServerResponse): void {
  const start = performance.now();
  let sent = 0;
  const tick = () => {
    const due = Math.min(STREAM_MIB * MIB, ((performance.now() - start) / 1000) * PACED_MIB_PER_S * MIB);
    while (sent < due) {
      sent += EVENT.length;
      if (!res.write(EVENT)) return void res.once("drain", tick);
    }
    if (sent >= STREAM_MIB * MIB) return void res.end();
    setTimeout(tick, 5);
  };
  tick();
}

/** The vendor stand-in: `…/stream` and `…/paced` answer STREAM_MIB of SSE events, anything else a short JSON. */
async function vendor(key: Buffer, cert: Buffer): Promise<void> {
  const server = createServer({ key, cert }, (req, res) => {
    req.resume();
    req.on("end", () => {
      const stream = req.url?.endsWith("/stream") ? flat : req.url?.endsWith("/paced") ? paced : undefined;
      if (!stream) {
        res.end(JSON.stringify({ type: "message", usage: { input_tokens: 1, output_tokens: 1 } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      stream(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
}

async function proxy(vendorUrl: string, ca: Buffer): Promise<void> {
  const upstreams = { anthropic: { url: `${vendorUrl}/anthropic/`, ca }, openai: { url: `${vendorUrl}/openai/`, ca } };
  const p = await startApiProxy({ keys: { anthropic: "real-key", openai: "real-key" }, upstreams });
  process.send?.({ port: p.port, token: p.token });
  answerCpu();
}

/** The least any hop can do: a bare TCP relay to the vendor, the client's TLS passing through it. */
async function relay(vendorPort: number): Promise<void> {
  const server = createTcpServer({ noDelay: true, highWaterMark: 256 * 1024 }, (client) => {
    const vendor = connect({ port: vendorPort, host: "127.0.0.1", noDelay: true });
    client.pipe(vendor).pipe(client);
    client.on("error", () => vendor.destroy());
    vendor.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send?.({ port: (server.address() as AddressInfo).port });
  answerCpu();
}

/** Its CPU time (µs), asked before and after each stream. */
function answerCpu(): void {
  process.on("message", (m) => m === "cpu" && process.send?.({ cpu: process.cpuUsage() }));
}

process.once("message", (data: { part: string; key: string; cert: string; vendorUrl: string; ca: string; vendorPort: string }) => {
  if (data.part === "relay") void relay(Number(data.vendorPort));
  if (data.part === "vendor") void vendor(Buffer.from(data.key), Buffer.from(data.cert));
  if (data.part === "proxy") void proxy(data.vendorUrl, Buffer.from(data.ca));
});
