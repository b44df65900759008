import type { Clock, Logger } from "@vshard/engine";
import { decodeValue, encodeTuple, LedgerError } from "@vshard/types";
import type { Transport } from "../network/transport.ts";

export type RpcErrorCode =
  /** No answer within the timeout (peer offline, partitioned or too slow). */
  | "RPC_ERROR_TIMEOUT"
  /** The peer answered with an error of its own (its code and message are in the message). */
  | "RPC_ERROR_REMOTE"
  /** The peer serves no such operation. */
  | "RPC_ERROR_UNKNOWN_OP"
  /** This endpoint was closed while the request waited. */
  | "RPC_ERROR_CLOSED";

/** A failed request to a peer. `remoteCode` is the error code the peer reported, when it reported one. */
export class RpcError extends LedgerError<{
  code: RpcErrorCode;
  peer: string;
  op: string;
  remoteCode?: string;
}> {}

/** Serves one operation: given the caller and the request's arguments, returns the response's values. */
export type RpcHandler = (from: string, args: unknown[]) => Promise<unknown[]>;

/** Topics of request/response over a transport: requests go to one peer, answers come back to the caller. */
export const RPC_REQUEST_TOPIC = "rpc/request";
export const RPC_RESPONSE_TOPIC = "rpc/response";

/**
 * 5 s per request: a chunk of 256 KiB crosses a local link in milliseconds, so a peer that has not answered in 5 s is
 * treated as offline and the reader moves to the next replica.
 */
export const DEFAULT_RPC_TIMEOUT_MS = 5_000;

interface Pending {
  resolve: (values: unknown[]) => void;
  reject: (err: RpcError) => void;
  cancelTimer: () => void;
  peer: string;
  op: string;
}

/**
 * Request/response over a node's `Transport` (which only delivers one-way messages): a request is
 * `[id, op, args]` sent to one peer on `rpc/request`; the answer `[id, ok, values | [code, message]]` comes back on
 * `rpc/response`. One endpoint per node; services register the operations they serve. A malformed message is
 * dropped, a handler's error goes back to the caller as `RPC_ERROR_REMOTE`, nothing a peer sends can throw here.
 */
export class PeerRpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, RpcHandler>();
  private readonly unsubscribes: Array<() => void>;
  private closed = false;

  constructor(
    private readonly opts: { timeoutMs: number },
    private readonly modules: { transport: Transport; clock: Clock; logger: Logger },
  ) {
    const { transport } = modules;
    this.unsubscribes = [
      transport.subscribe(RPC_REQUEST_TOPIC, (from, data) => this.onRequest(from, data)),
      transport.subscribe(RPC_RESPONSE_TOPIC, (from, data) => this.onResponse(from, data)),
    ];
  }

  /** This node's peer id. */
  get peerId(): string {
    return this.modules.transport.peerId;
  }

  /** Serves `op` (one handler per op; a second registration replaces the first). Returns the unregister function. */
  handle(op: string, handler: RpcHandler): () => void {
    this.handlers.set(op, handler);
    return () => {
      if (this.handlers.get(op) === handler) this.handlers.delete(op);
    };
  }

  /** Sends `op(args)` to `peer`; resolves with its answer's values, rejects with an `RpcError`. */
  request(peer: string, op: string, args: unknown[], timeoutMs = this.opts.timeoutMs): Promise<unknown[]> {
    if (this.closed)
      return Promise.reject(
        new RpcError({ code: "RPC_ERROR_CLOSED", peer, op }, `${op} to ${peer}: endpoint closed`),
      );
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const cancelTimer = this.modules.clock.setTimer(timeoutMs, () => {
        if (!this.pending.delete(id)) return;
        reject(
          new RpcError(
            { code: "RPC_ERROR_TIMEOUT", peer, op },
            `${op} to ${peer}: no answer in ${timeoutMs} ms`,
          ),
        );
      });
      this.pending.set(id, { resolve, reject, cancelTimer, peer, op });
      this.modules.transport.send(peer, RPC_REQUEST_TOPIC, encodeTuple([id, op, args]));
    });
  }

  /** Stops serving and fails every request still waiting. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribes) u();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.cancelTimer();
      p.reject(
        new RpcError(
          { code: "RPC_ERROR_CLOSED", peer: p.peer, op: p.op },
          `${p.op} to ${p.peer}: endpoint closed`,
        ),
      );
    }
  }

  private async onRequest(from: string, data: Uint8Array): Promise<void> {
    const request = parseMessage(data);
    if (!request || typeof request[1] !== "string" || !Array.isArray(request[2])) return;
    const [id, op, args] = request as [number, string, unknown[]];
    const handler = this.handlers.get(op);
    let answer: unknown[];
    if (!handler) answer = [id, false, ["RPC_ERROR_UNKNOWN_OP", `this node serves no ${op}`]];
    else {
      try {
        answer = [id, true, await handler(from, args)];
      } catch (err) {
        const code =
          err instanceof LedgerError ? String((err as LedgerError<{ code: string }>).code) : "ERROR";
        if (!(err instanceof LedgerError)) this.modules.logger.warn({ err, op, from }, "rpc handler failed");
        answer = [id, false, [code, err instanceof Error ? err.message : String(err)]];
      }
    }
    if (!this.closed) this.modules.transport.send(from, RPC_RESPONSE_TOPIC, encodeTuple(answer));
  }

  private onResponse(from: string, data: Uint8Array): void {
    const response = parseMessage(data);
    if (!response || typeof response[1] !== "boolean" || !Array.isArray(response[2])) return;
    const [id, ok, values] = response as [number, boolean, unknown[]];
    const p = this.pending.get(id);
    // Only the peer asked may answer: another peer cannot settle someone else's request.
    if (!p || p.peer !== from) return;
    this.pending.delete(id);
    p.cancelTimer();
    if (ok) p.resolve(values);
    else {
      const [code, message] = values.map(String);
      p.reject(
        new RpcError(
          {
            code: code === "RPC_ERROR_UNKNOWN_OP" ? "RPC_ERROR_UNKNOWN_OP" : "RPC_ERROR_REMOTE",
            peer: from,
            op: p.op,
            remoteCode: code,
          },
          `${p.op} to ${from}: ${message}`,
        ),
      );
    }
  }
}

/** A request or response tuple `[id, x, y]` with a safe integer id, or null for anything else. */
function parseMessage(data: Uint8Array): unknown[] | null {
  try {
    const value = decodeValue(data, "rpc message");
    if (!Array.isArray(value) || value.length !== 3 || !Number.isSafeInteger(value[0])) return null;
    return value;
  } catch {
    return null;
  }
}
