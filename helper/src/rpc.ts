// Typed JSON-RPC over vscode-jsonrpc: both sides name a request or notification from
// protocol.ts and get its params and result checked with zod on arrival.
import type { Socket } from "node:net";
import {
  createMessageConnection,
  ResponseError,
  SocketMessageReader,
  SocketMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import type { z } from "zod";
import { NixlimaError } from "./errors";
import { invalidParams } from "./protocolInvalid";

interface RequestDef<P extends z.ZodType, R extends z.ZodType> {
  method: string;
  params: P;
  result: R;
}
interface NotificationDef<P extends z.ZodType> {
  method: string;
  params: P;
}

/** Error code carried in a JSON-RPC error for NixlimaError, so the other side can rebuild it. */
const NIXLIMA_ERROR = -32001;

export function connect(socket: Socket): MessageConnection {
  const conn = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  conn.listen();
  return conn;
}

export async function request<P extends z.ZodType, R extends z.ZodType>(
  conn: MessageConnection,
  def: RequestDef<P, R>,
  params: z.input<P>,
): Promise<z.output<R>> {
  try {
    return def.result.parse(await conn.sendRequest(def.method, params ?? {}));
  } catch (err) {
    throw fromRpcError(err);
  }
}

export function onRequest<P extends z.ZodType, R extends z.ZodType>(
  conn: MessageConnection,
  def: RequestDef<P, R>,
  handler: (params: z.output<P>) => Promise<z.input<R>> | z.input<R>,
): void {
  conn.onRequest(def.method, async (raw: unknown) => {
    try {
      const params = def.params.safeParse(raw ?? {});
      if (!params.success) throw new NixlimaError("usage", invalidParams(def.method, params.error, raw));
      return await handler(params.data);
    } catch (err) {
      throw toRpcError(err);
    }
  });
}

export function notify<P extends z.ZodType>(conn: MessageConnection, def: NotificationDef<P>, params: z.input<P>): void {
  void conn.sendNotification(def.method, params).catch(() => {
    // The peer went away; its disconnect handler cleans up.
  });
}

export function onNotification<P extends z.ZodType>(
  conn: MessageConnection,
  def: NotificationDef<P>,
  handler: (params: z.output<P>) => void,
): void {
  conn.onNotification(def.method, (raw: unknown) => {
    const parsed = def.params.safeParse(raw);
    if (parsed.success) handler(parsed.data);
  });
}

function toRpcError(err: unknown): ResponseError<unknown> {
  if (err instanceof NixlimaError) return new ResponseError(NIXLIMA_ERROR, err.message, err.toJSON());
  return new ResponseError(NIXLIMA_ERROR, err instanceof Error ? err.message : String(err), {
    code: "failed",
    message: err instanceof Error ? err.message : String(err),
  });
}

function fromRpcError(err: unknown): unknown {
  if (err instanceof ResponseError && err.code === NIXLIMA_ERROR) {
    const data = err.data as { code?: string; message?: string; hint?: string; detail?: string } | undefined;
    return new NixlimaError((data?.code ?? "failed") as NixlimaError["code"], data?.message ?? err.message, data?.hint, data?.detail);
  }
  return err;
}
