import { bytesEqual, hexToBytes, type SignatureVerifier } from "@vshard/crypto";
import type { TxLocation } from "@vshard/storage";
import { EMPTY_ACCOUNT, type LedgerError, type SignedTx, TxKind, type WireTx } from "@vshard/types";
import type { ReceiptSourceLoader } from "../crossShard/interface.ts";
import { TxError } from "../errors.ts";
import type { AccountMap, ExecutionResult, PreparedTx } from "../execution/executeTxs.ts";
import { type Mempool, MempoolError, mempoolEntryOf } from "../mempool/index.ts";
import type { StateLoaders } from "./assembleBlock.ts";
import type { ChainOptions } from "./chainOptions.ts";
import type { SignatureChecker } from "./checkProposal.ts";
import { crossShardRefusals } from "./crossShardRefusals.ts";
import { checkTxStateless, prepareTx, prepareWireTx, txSignatureSet } from "./prepareTx.ts";
import { registryRefusals } from "./registryRefusals.ts";

/** The outcome of submitting one transaction. */
export type SubmitResult = { ok: true; hash: string } | { ok: false; hash?: string; error: LedgerError };

/**
 * How many times admission re-reads sender accounts when blocks commit while it reads them; after that it admits on
 * the last read (the mempool drops whatever a later commit makes stale).
 */
const MAX_ACCOUNT_REREADS = 3;

/**
 * The path of a transaction into the mempool: stateless rules, signature on the verify pool, on the main chain the
 * registry rules against the committed registry (`registryAdmissionProblem`), cross-shard rules against committed
 * state and the main chain (`crossShardRefusals`), then the mempool's nonce, balance and capacity rules against the
 * sender's committed account.
 */
export class TxAdmission implements SignatureChecker {
  /** Committed nonces of the senders that have txs in the mempool: what block selection starts each run at. */
  private readonly nonces = new Map<string, number>();

  constructor(
    private readonly opts: ChainOptions,
    private readonly modules: {
      mempool: Mempool;
      verifier: SignatureVerifier;
      loadAccounts: (hexes: string[]) => Promise<AccountMap>;
      loadRecords: StateLoaders["loadRecords"];
      txLocation: (hash: Uint8Array) => Promise<TxLocation | null>;
      /** Height of the committed head (it rises by one with every commit). */
      headHeight: () => number;
      /** A worker shard's view of the main chain, for its cross-shard txs (`ChainRoles.receiptSources`). */
      receiptSources?: ReceiptSourceLoader;
    },
  ) {}

  /** False while the signature pool is saturated or the mempool is full: callers should back off (HTTP 503). */
  canAcceptWork(): boolean {
    return this.modules.verifier.canAcceptWork() && this.modules.mempool.size() < this.opts.mempool.maxTxs;
  }

  /**
   * Checks the signatures of a proposed block's txs. A tx this node admitted (same hash and same signature bytes as
   * its mempool entry) was verified then and is not verified again: in a cluster every tx reaches every node by gossip
   * before the block that carries it, so this halves the verify work per node.
   */
  async verifyTxSignatures(txs: PreparedTx[]): Promise<boolean[]> {
    const out = new Array<boolean>(txs.length).fill(true);
    const unknown: number[] = [];
    txs.forEach((t, i) => {
      const admitted = this.modules.mempool.get(t.hashHex);
      if (!admitted || !bytesEqual(admitted.stx.signature, t.stx.signature)) unknown.push(i);
    });
    if (unknown.length === 0) return out;
    // Consensus waits on a block: its checks go ahead of the txs queued for admission.
    const valid = await this.modules.verifier.verify(
      unknown.map((i) => txSignatureSet(txs[i])),
      { priority: true },
    );
    unknown.forEach((i, k) => {
      out[i] = valid[k];
    });
    return out;
  }

  /** The committed nonce of a sender with pending txs. */
  committedNonce(senderHex: string): number {
    return this.nonces.get(senderHex) ?? 0;
  }

  /** Admits txs (signed txs, or txs decoded from the wire with their hash and size); one result per input. */
  async submit(stxs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    const results: SubmitResult[] = new Array(stxs.length);
    const prepared = stxs.map((t) => ("stx" in t ? prepareWireTx(t) : prepareTx(t)));
    const candidates: number[] = [];
    prepared.forEach((t, i) => {
      try {
        checkTxStateless(t, this.opts);
        candidates.push(i);
      } catch (err) {
        results[i] = { ok: false, hash: t.hashHex, error: err as LedgerError };
      }
    });
    if (candidates.length > 0 && !this.modules.verifier.canAcceptWork()) {
      for (const i of candidates) results[i] = busy(prepared[i]);
      return results;
    }
    const valid = await this.modules.verifier.verify(candidates.map((i) => txSignatureSet(prepared[i])));
    const signed = candidates.filter((i, k) => {
      if (valid[k]) return true;
      const t = prepared[i];
      results[i] = {
        ok: false,
        hash: t.hashHex,
        error: new TxError(
          { code: "TX_ERROR_BAD_SIGNATURE", txHash: t.hashHex },
          "signature does not verify for the sender's public key",
        ),
      };
      return false;
    });
    const senders = signed.map((i) => prepared[i].senderHex);
    let accounts = await this.readSenders(senders);
    const readAt = this.modules.headHeight();
    const signedTxs = signed.map((i) => prepared[i]);
    const [refused, crossRefused] = await Promise.all([
      registryRefusals(signedTxs, accounts, this.opts, this.modules),
      crossShardRefusals(signedTxs, this.opts.main !== undefined, {
        ...this.modules,
        pendingOf: (hex) => this.modules.mempool.pendingOf(hex),
      }),
    ]);
    for (const [t, error] of crossRefused) refused.set(t, error);
    // The refusal checks may read storage: a block committed meanwhile makes the accounts read stale, and a stale
    // nonce would start this sender's block selection below its next tx (left pending for ever).
    if (this.modules.headHeight() !== readAt) accounts = await this.readSenders(senders);
    for (const i of signed) {
      const t = prepared[i];
      const error = refused.get(t);
      results[i] = error ? { ok: false, hash: t.hashHex, error } : await this.addToMempool(t, accounts);
    }
    return results;
  }

  /** Keeps the mempool and the nonce table in step with a committed block. */
  onBlockCommitted(execution: ExecutionResult): void {
    for (const [hex, account] of execution.changed)
      if (this.nonces.has(hex)) this.nonces.set(hex, account.nonce);
    this.modules.mempool.onBlockCommitted(
      execution.applied.map((t) => t.hashHex),
      execution.changed,
    );
    for (const hex of new Set(execution.applied.map((t) => t.senderHex)))
      if (this.modules.mempool.pendingOf(hex).length === 0) this.nonces.delete(hex);
  }

  private async readSenders(hexes: string[]): Promise<AccountMap> {
    const unique = [...new Set(hexes)];
    let accounts: AccountMap = new Map();
    for (let attempt = 0; attempt < MAX_ACCOUNT_REREADS; attempt++) {
      const before = this.modules.headHeight();
      accounts = await this.modules.loadAccounts(unique);
      if (this.modules.headHeight() === before) break;
    }
    return accounts;
  }

  private async addToMempool(t: PreparedTx, accounts: AccountMap): Promise<SubmitResult> {
    const account = accounts.get(t.senderHex) ?? EMPTY_ACCOUNT;
    // Checked again right before the add (no await in between): two deliveries of one receipt admitted together
    // would otherwise both pass the earlier check, and the second would replace the first in the receipt's slot.
    const pending =
      t.stx.tx.kind === TxKind.Receive ? this.modules.mempool.pendingOf(t.senderHex)[0] : undefined;
    if (pending && pending.hashHex !== t.hashHex)
      return {
        ok: false,
        hash: t.hashHex,
        error: new TxError(
          { code: "TX_ERROR_RECEIPT_PENDING", txHash: t.hashHex },
          `a receive of this receipt is pending already (tx ${pending.hashHex})`,
        ),
      };
    try {
      this.modules.mempool.add(mempoolEntryOf(t), account);
      this.nonces.set(t.senderHex, Math.max(account.nonce, this.nonces.get(t.senderHex) ?? 0));
      return { ok: true, hash: t.hashHex };
    } catch (err) {
      if (
        err instanceof MempoolError &&
        err.code === "MEMPOOL_ERROR_NONCE_TOO_LOW" &&
        (await this.modules.txLocation(hexToBytes(t.hashHex)))
      )
        return {
          ok: false,
          hash: t.hashHex,
          error: new TxError(
            { code: "TX_ERROR_ALREADY_INCLUDED", txHash: t.hashHex },
            "this transaction is already in a block",
          ),
        };
      return { ok: false, hash: t.hashHex, error: err as LedgerError };
    }
  }
}

function busy(t: PreparedTx): SubmitResult {
  return {
    ok: false,
    hash: t.hashHex,
    error: new TxError(
      { code: "TX_ERROR_NODE_BUSY", txHash: t.hashHex },
      "the node's signature pool is saturated; retry shortly",
    ),
  };
}
