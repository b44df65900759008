import type { Ed25519KeyPair } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import type { Receipt, ReceiptProof, ShardRef, SignedTx } from "@vshard/types";

/** How the receipt's delivery point consumed it: credited it, forwarded it (the main chain as router), refunded it. */
export type ReceiptConsumption = "credited" | "forwarded" | "refunded";

/** One receipt of a final source block's outbox, decoded. */
export interface OutboxEntry {
  /** Its position in the block's outbox. */
  index: number;
  receipt: Receipt;
  proof: ReceiptProof;
  /** The shard that consumes it; null while the source block is not anchored (not deliverable yet). */
  deliverTo: ShardRef | null;
  /** Non-null once the delivery point consumed it. */
  consumed: { height: number; use: ReceiptConsumption } | null;
}

/** A final block of a source shard and its outbox. */
export interface OutboxBlock {
  height: number;
  /** Main height of the block's anchor; null while not anchored. */
  anchoredAt: number | null;
  receipts: OutboxEntry[];
}

/** A page of a source shard's final blocks, from a height on, in order. */
export interface OutboxPage {
  finalHeight: number;
  /** The height to ask from next time: `finalHeight + 1` once the page reached the end. */
  next: number;
  blocks: OutboxBlock[];
}

/**
 * What the node answered to a receive:
 * - `accepted`: admitted (it should be consumed soon);
 * - `done`: nothing more to do now — consumed already, or a receive of it is pending or included (by any relay);
 * - `later`: not deliverable yet or the node is busy or unreachable: retry after a backoff;
 * - `refused`: anything else (a bug or a disagreement with the node): logged, retried after a long backoff.
 */
export type SubmitOutcome =
  | { kind: "accepted"; hash: string }
  | { kind: "done"; code: string; message: string }
  | { kind: "later"; code: string; message: string }
  | { kind: "refused"; code: string; message: string };

/** What a relay needs from a node: the shards that send receipts, their outboxes, and a way to submit receives. */
export interface RelayEndpoint {
  /** Every chain shard that can send receipts: the main chain {0,0} and every shard of every registered worker chain. */
  sources(): Promise<ShardRef[]>;
  /** Final blocks of `ref` from `fromHeight` on with their receipts (about `limit` receipts). Throws when unreachable. */
  outbox(ref: ShardRef, fromHeight: number, limit: number): Promise<OutboxPage>;
  /** Submits a signed receive; never throws for an answer of the node or a network failure (see `SubmitOutcome`). */
  submitReceive(stx: SignedTx): Promise<SubmitOutcome>;
  /**
   * Submits many receives in one request, one outcome per tx in order; never throws (a failed request answers every
   * tx alike). Optional: without it a relay submits them one by one.
   */
  submitReceives?(stxs: SignedTx[]): Promise<SubmitOutcome[]>;
}

/** What a relay uses: the node, its own key (receives are signed by the relay), a logger, a clock and randomness. */
export interface RelayModules {
  endpoint: RelayEndpoint;
  keys: Ed25519KeyPair;
  logger: Logger;
  /** Milliseconds; tests pass a fake clock. */
  now: () => number;
  /** Uniform in [0, 1): the backoff's jitter. */
  random: () => number;
}
