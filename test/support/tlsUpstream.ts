// A stand-in for the model vendors' HTTPS APIs: a local TLS server whose certificate is signed by
// a CA made for this test run (openssl), recording each request and answering with a Server-Sent
// Events stream whose second half it sends only when the test says so.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TlsUpstream {
  url: string;
  caFile: string;
  ca: Buffer;
  seen: SeenRequest[];
  /** Sends the rest of the streams that wait for it. */
  release(): void;
  close(): Promise<void>;
}

export interface TestCa {
  caFile: string;
  key: Buffer;
  cert: Buffer;
  dispose(): void;
}

/** A CA made for this test run and a certificate it signed for 127.0.0.1, in a folder of their own. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "nixlima-tls-"));
  return { ...makeCa(dir), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function makeCa(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=nixlima test CA");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  ssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "san.ext");
  return { caFile: join(dir, "ca.pem"), key: readFileSync(join(dir, "srv.key")), cert: readFileSync(join(dir, "srv.pem")) };
}

/**
 * Answers every request with `event: first`, then, after release(), `event: second` and the end;
 * or, when given, with `respond` (which then owns the answer).
 */
export async function startTlsUpstream(respond?: (seen: SeenRequest, res: ServerResponse) => void): Promise<TlsUpstream> {
  const dir = mkdtempSync(join(tmpdir(), "nixlima-tls-"));
  const { caFile, key, cert } = makeCa(dir);
  const seen: SeenRequest[] = [];
  let released = false;
  const waiting: (() => void)[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (respond) return respond(seen.at(-1)!, res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('event: first\ndata: {"type":"message_start"}\n\n');
      const rest = () => res.end('event: second\ndata: {"type":"message_stop"}\n\n');
      if (released) rest();
      else waiting.push(rest);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile,
    ca: readFileSync(caFile),
    seen,
    release: () => {
      released = true;
      waiting.splice(0).forEach((send) => send());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
