// A window's way onto the helper's socket, without vscode so it is tested as it runs: the folder
// and the socket are checked before anything is sent, and the helper must prove it read the
// token and be this nixlima's version before the window trusts it with anything.
import { createConnection, type Socket } from "node:net";
import { dirname } from "node:path";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { NixlimaError } from "../errors";
import { Requests, type Hello } from "../protocol";
import { connect, request } from "../rpc";
import { checkSocketFile, ensureToken, newNonce, proofMatches, proofOf } from "./helperIdentity";

const HELLO_TIMEOUT_MS = 10_000;

export interface HelperLine {
  conn: MessageConnection;
  hello: Hello;
}

/**
 * Connects to the helper at `path` and checks who it is; undefined when nobody listens there.
 * `prepare` registers the caller's notification handlers before the hello, so none is missed.
 */
export async function connectToHelper(
  path: string,
  expectedVersion: string,
  prepare: (conn: MessageConnection) => void = () => undefined,
): Promise<HelperLine | undefined> {
  const token = ensureToken(dirname(path));
  checkSocketFile(path);
  const socket = await tryConnect(path);
  if (!socket) return undefined;
  const conn = connect(socket);
  prepare(conn);
  try {
    const nonce = newNonce();
    const hello = await withTimeout(request(conn, Requests.hello, { nonce, proof: proofOf(token, "client", nonce) }), path);
    if (!proofMatches(token, "helper", nonce, hello.proof)) {
      throw new NixlimaError("untrusted-helper", `The program listening on ${path} could not prove it is your nixlima helper: remove ${path} and try again.`);
    }
    if (hello.version !== expectedVersion) {
      throw new NixlimaError(
        "untrusted-helper",
        `The nixlima helper on ${path} (pid ${hello.pid}) is version ${hello.version}, not ${expectedVersion}: stop it (kill ${hello.pid}) and try again.`,
      );
    }
    return { conn, hello };
  } catch (err) {
    conn.dispose();
    socket.destroy();
    throw err;
  }
}

export function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once("connect", () => resolve(socket));
    socket.once("error", () => resolve(undefined));
  });
}

function withTimeout<T>(promise: Promise<T>, path: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NixlimaError("untrusted-helper", `The program listening on ${path} did not answer as a nixlima helper: remove ${path} and try again.`)),
      HELLO_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
