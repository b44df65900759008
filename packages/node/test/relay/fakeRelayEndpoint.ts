import { bytesToHex, ed25519Verify, sha256 } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import { type Receipt, receiptProof, type ShardRef, type SignedTx, TxKind, txHash } from "@vshard/types";
import type { OutboxPage, RelayEndpoint, SubmitOutcome } from "../../src/relay/interface.ts";

/** A receipt of the fake: where it is consumed, and by which receive once consumed. */
interface FakeReceipt {
  receipt: Receipt;
  deliverTo: ShardRef;
  consumedBy: string | null;
}

interface FakeBlock {
  height: number;
  anchored: boolean;
  receipts: FakeReceipt[];
}

const key = (ref: ShardRef) => `${ref.chainId}/${ref.shard}`;

/**
 * A deterministic in-memory node for relays: final blocks with outboxes per source shard, anchored or not. A receive
 * is checked (kind, nonce 0, fee 0, signature, delivery point, anchor) and, in mode `consume`, consumes its receipt at
 * once; a second receive of it is `done`. Mode `hold` accepts without consuming (a receive dropped before a block).
 */
export class FakeRelayEndpoint implements RelayEndpoint {
  readonly blocks = new Map<string, FakeBlock[]>();
  /** Every `outbox` call, in order. */
  readonly outboxCalls: Array<{ source: string; from: number; limit: number }> = [];
  /** Every submitted receive with its answer, in order. */
  readonly submissions: Array<{ stx: SignedTx; outcome: SubmitOutcome }> = [];
  /** Answers given before any check, first first (e.g. `later` a few times). */
  readonly script: SubmitOutcome[] = [];
  mode: "consume" | "hold" = "consume";
  /** Set: `outbox` of this source throws. */
  failingSource: string | null = null;
  /** Set: the next submission waits on it (a relay stuck mid-pass). */
  gate: Promise<void> | null = null;
  /** Submissions waiting on a gate now. */
  stuck = 0;
  private readonly held = new Set<string>();
  private nextId = 0;

  constructor(readonly sourceList: ShardRef[]) {
    for (const ref of sourceList) this.blocks.set(key(ref), []);
  }

  async sources(): Promise<ShardRef[]> {
    return this.sourceList.map((r) => ({ ...r }));
  }

  /** Appends a final block of `source` with `count` receipts to `to` (all consumed at `to`); returns their ids. */
  addBlock(source: ShardRef, count: number, to: ShardRef, anchored = true): string[] {
    const list = this.blocks.get(key(source)) as FakeBlock[];
    const receipts = Array.from({ length: count }, () => ({
      receipt: {
        id: sha256(new TextEncoder().encode(`receipt ${this.nextId++}`)),
        from: new Uint8Array(20).fill(1),
        to: new Uint8Array(20).fill(2),
        amount: 5n,
        source,
        destination: to,
      },
      deliverTo: to,
      consumedBy: null,
    }));
    list.push({ height: list.length + 1, anchored, receipts });
    return receipts.map((r) => bytesToHex(r.receipt.id));
  }

  /** Anchors block `height` of `source`. */
  anchor(source: ShardRef, height: number): void {
    (this.blocks.get(key(source)) as FakeBlock[])[height - 1].anchored = true;
  }

  /** Marks a receipt consumed (as if another party delivered it). */
  consume(idHex: string): void {
    const r = this.find(idHex);
    if (r) r.consumedBy = "someone else";
  }

  /** Receipts consumed, and the ones not consumed. */
  consumedCount(): { consumed: number; pending: number } {
    let consumed = 0;
    let pending = 0;
    for (const list of this.blocks.values())
      for (const b of list) for (const r of b.receipts) r.consumedBy ? consumed++ : pending++;
    return { consumed, pending };
  }

  async outbox(ref: ShardRef, fromHeight: number, limit: number): Promise<OutboxPage> {
    const source = key(ref);
    this.outboxCalls.push({ source, from: fromHeight, limit });
    if (this.failingSource === source) throw new Error(`outbox of ${source} unavailable`);
    const list = this.blocks.get(source) ?? [];
    const page = list.slice(Math.max(0, fromHeight - 1), Math.max(0, fromHeight - 1) + limit);
    const finalHeight = list.length;
    const next = page.length === 0 ? Math.max(fromHeight, finalHeight + 1) : page[page.length - 1].height + 1;
    return {
      finalHeight,
      next,
      blocks: page.map((b) => ({
        height: b.height,
        anchoredAt: b.anchored ? 100 + b.height : null,
        receipts: b.receipts.map((r, index) => ({
          index,
          receipt: r.receipt,
          proof: receiptProof(
            b.receipts.map((x) => x.receipt),
            index,
          ),
          deliverTo: b.anchored ? r.deliverTo : null,
          consumed: r.consumedBy ? { height: 7, use: "credited" as const } : null,
        })),
      })),
    };
  }

  async submitReceive(stx: SignedTx): Promise<SubmitOutcome> {
    const gate = this.gate;
    this.gate = null;
    if (gate) {
      this.stuck++;
      await gate;
      this.stuck--;
    }
    const outcome = this.answer(stx);
    this.submissions.push({ stx, outcome });
    return outcome;
  }

  private answer(stx: SignedTx): SubmitOutcome {
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const { tx } = stx;
    const hash = txHash(tx);
    const no = (code: string, message: string): SubmitOutcome => ({ kind: "refused", code, message });
    if (tx.kind !== TxKind.Receive || tx.nonce !== 0 || tx.fee !== 0n)
      return no("TX_ERROR_BAD_PAYLOAD", "bad receive");
    if (!ed25519Verify(stx.signature, hash, tx.sender)) return no("TX_ERROR_BAD_SIGNATURE", "bad signature");
    const r = this.find(bytesToHex(tx.payload.receipt.id));
    const block = (this.blocks.get(key(tx.payload.receipt.source)) ?? [])[tx.payload.sourceHeight - 1];
    if (!r || !block?.receipts.includes(r)) return no("TX_ERROR_BAD_RECEIPT_PROOF", "no such receipt");
    if (!block.anchored)
      return { kind: "later", code: "TX_ERROR_RECEIPT_NOT_ANCHORED", message: "not anchored" };
    if (key(r.deliverTo) !== key(tx)) return no("TX_ERROR_RECEIPT_ROUTE", "wrong shard");
    if (r.consumedBy) return { kind: "done", code: "TX_ERROR_RECEIPT_SPENT", message: "spent" };
    const hashHex = bytesToHex(hash);
    if (this.mode === "hold") {
      if (this.held.has(hashHex))
        return { kind: "done", code: "MEMPOOL_ERROR_DUPLICATE", message: "pending" };
      this.held.add(hashHex);
      return { kind: "accepted", hash: hashHex };
    }
    r.consumedBy = bytesToHex(tx.sender);
    return { kind: "accepted", hash: hashHex };
  }

  private find(idHex: string): FakeReceipt | undefined {
    for (const list of this.blocks.values())
      for (const b of list) for (const r of b.receipts) if (bytesToHex(r.receipt.id) === idHex) return r;
    return undefined;
  }
}

/** A manual clock. */
export class FakeClock {
  constructor(public ms = 1_000_000) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A logger that keeps what it is given. */
export function recordingLogger(): Logger & {
  lines: Array<{ level: string; message: string; context: object }>;
} {
  const lines: Array<{ level: string; message: string; context: object }> = [];
  const at = (level: string) => (context: object, message: string) => {
    lines.push({ level, message, context });
  };
  const logger = {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}
