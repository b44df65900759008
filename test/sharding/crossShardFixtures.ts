import { ed25519KeyPairFromSeed } from "@vshard/crypto";
import {
  anchoredHeaderRecordId,
  decodeAnchoredHeaderEntry,
  decodeSpentReceiptEntry,
  MAIN_CHAIN_ID,
  type SpentReceiptEntry,
  spentReceiptRecordId,
} from "@vshard/engine";
import {
  type NetworkNode,
  type OutboxPage,
  type RelayEndpoint,
  type SubmitOutcome,
  signedTxToJson,
} from "@vshard/node";
import {
  type Receipt,
  type ReceivePayload,
  RecordNamespace,
  type ShardRef,
  type SignedTx,
  signTx,
  TxKind,
} from "@vshard/types";
import { receiptFromJson, receiptProofFromJson } from "../../packages/node/src/api/crossShardTxJson.ts";

/** GET a JSON document: status and body. */
export async function getJson(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface OutboxReceiptJson {
  receipt: unknown;
  proof: unknown;
  deliverTo: { chainId: number; shard: number } | null;
  consumed: unknown;
}

/** One pass of a minimal relay: every deliverable receipt not consumed yet is sent once to its delivery point. */
export async function deliverReceipts(url: string, relaySeed: Uint8Array): Promise<number> {
  const keys = ed25519KeyPairFromSeed(relaySeed);
  const chains = (await getJson(`${url}/v1/chains`)).json as {
    chains: Array<{ chainId: number; shards: unknown[] }>;
  };
  const sources = [{ chainId: 0, shard: 0 }];
  for (const c of chains.chains)
    for (let shard = 0; shard < c.shards.length; shard++) sources.push({ chainId: c.chainId, shard });
  let sent = 0;
  for (const s of sources) {
    const page = await getJson(`${url}/v1/chains/${s.chainId}/shards/${s.shard}/outbox?from=1&limit=1000`);
    if (page.status !== 200) continue;
    for (const block of page.json.blocks as Array<{ height: number; receipts: OutboxReceiptJson[] }>)
      for (const r of block.receipts) {
        if (!r.deliverTo || r.consumed) continue;
        const payload: ReceivePayload = {
          receipt: receiptFromJson(r.receipt, "receipt"),
          sourceHeight: block.height,
          proof: receiptProofFromJson(r.proof, "proof"),
        };
        const stx = signTx(
          { ...r.deliverTo, kind: TxKind.Receive, sender: keys.publicKey, nonce: 0, fee: 0n, payload },
          keys.secretKey,
        );
        await fetch(`${url}/v1/txs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(signedTxToJson(stx)),
        });
        sent++;
      }
  }
  return sent;
}

/**
 * A relay endpoint that can die: after `kill(n)`, `n` more calls go through and every later one never answers, as
 * when a relay's process is killed in the middle of a pass (nothing it had not saved is saved).
 */
export class CrashableEndpoint implements RelayEndpoint {
  private callsLeft = Number.POSITIVE_INFINITY;

  constructor(private readonly inner: RelayEndpoint) {}

  kill(afterCalls: number): void {
    this.callsLeft = afterCalls;
  }

  private gate<T>(call: () => Promise<T>): Promise<T> {
    if (this.callsLeft <= 0) return new Promise<T>(() => {});
    this.callsLeft--;
    return call();
  }

  sources(): Promise<ShardRef[]> {
    return this.gate(() => this.inner.sources());
  }

  outbox(ref: ShardRef, fromHeight: number, limit: number): Promise<OutboxPage> {
    return this.gate(() => this.inner.outbox(ref, fromHeight, limit));
  }

  submitReceive(stx: SignedTx): Promise<SubmitOutcome> {
    return this.gate(() => this.inner.submitReceive(stx));
  }

  submitReceives(stxs: SignedTx[]): Promise<SubmitOutcome[]> {
    const inner = this.inner;
    return this.gate(() =>
      inner.submitReceives
        ? inner.submitReceives(stxs)
        : Promise.all(stxs.map((s) => inner.submitReceive(s))),
    );
  }
}

/** Where receipts stand on a network node, read from its stores. */
export const spentAt = {
  /** The main height that notarised block `height` of `source` (a main block: its own height). */
  async anchoredAt(node: NetworkNode, source: ShardRef, height: number): Promise<number | null> {
    if (source.chainId === MAIN_CHAIN_ID) return height;
    const [bytes] = await node.main.chain.getRecordValues([
      {
        namespace: RecordNamespace.AnchoredHeader,
        id: anchoredHeaderRecordId(source.chainId, source.shard, height),
      },
    ]);
    return bytes ? decodeAnchoredHeaderEntry(bytes).anchoredAt : null;
  },
  /** The spent entry of `receipt` in shard `at`, or null. */
  async entry(node: NetworkNode, at: ShardRef, receipt: Receipt): Promise<SpentReceiptEntry | null> {
    const runtime = node.runtime(at.chainId, at.shard);
    const [bytes] = (await runtime?.chain.getRecordValues([
      { namespace: RecordNamespace.SpentReceipt, id: spentReceiptRecordId(receipt.source, receipt.id) },
    ])) ?? [null];
    return bytes ? decodeSpentReceiptEntry(bytes) : null;
  },
};

/** POSTs a signed tx as JSON: status and body. */
export async function postTx(
  url: string,
  stx: SignedTx,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/txs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(signedTxToJson(stx)),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Every receipt of a shard's final outboxes, decoded, with its block height and where it goes. */
export async function outboxEntries(url: string, ref: ShardRef) {
  const page = await getJson(`${url}/v1/chains/${ref.chainId}/shards/${ref.shard}/outbox?from=1&limit=1000`);
  const blocks = page.json.blocks as Array<{ height: number; receipts: OutboxReceiptJson[] }>;
  return blocks.flatMap((b) =>
    b.receipts.map((r) => ({
      height: b.height,
      receipt: receiptFromJson(r.receipt, "receipt"),
      proof: receiptProofFromJson(r.proof, "proof"),
      deliverTo: r.deliverTo,
    })),
  );
}
