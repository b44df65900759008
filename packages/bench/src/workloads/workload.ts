import { bytesToHex, createEd25519Signer, type Ed25519Signer, sha256 } from "@vshard/crypto";
import type { ApiClient } from "@vshard/node";
import { addressFromPublicKey, addressToText, encodeSignedTx, type Tx, txHash } from "@vshard/types";
import type { ReadyTx } from "../runner/loadDriver.ts";

/** The outcome of a workload's own end-of-run check (e.g. Smallbank's conservation of money). */
export interface WorkloadCheck {
  name: string;
  passed: boolean;
  details: string;
}

/** A benchmark workload: the accounts it needs at genesis and a seeded stream of signed transactions. */
export interface Workload {
  readonly name: string;
  /** Signature checks the node performs per tx (for the efficiency figure). */
  readonly signatureChecksPerTx: number;
  /**
   * Share of its txs that are cross-shard transfers (marked by `ReadyTx.destinationShard`); above 0 a run starts
   * relays and reports the stage latencies of a sample of them. Absent: 0.
   */
  readonly crossShardRatio?: number;
  /** Accounts the genesis must fund. */
  genesisAccounts(): Array<{ address: string; balance: string }>;
  /** Transactions to run and finalise before the measured window (not measured). */
  setupTxs(): ReadyTx[];
  /** The next `count` transactions, signed. */
  nextTxs(count: number): ReadyTx[];
  /**
   * A check of the final state against what the workload expects, given the final txs in chain order. Without
   * `scope` it reads the node's default chain; with it, shard `scope.shard` of chain `scope.chainId` (a sharded
   * run checks each shard against its own state, `finalOrder` then being that shard's final txs).
   */
  check?(client: ApiClient, finalOrder: readonly string[], scope?: ShardScope): Promise<WorkloadCheck>;
}

/** One chain shard a check reads. */
export interface ShardScope {
  chainId: number;
  shard: number;
}

/** Options every workload takes. */
export interface WorkloadOptions {
  accounts: number;
  seed: number;
  chainId: number;
  /** The shard every tx names; ignored when `shards` is set. */
  shard: number;
  /**
   * A run on a worker chain of this many shards (`address-hash` assignment): each tx names its sender's home shard
   * and every other account it names lives there too. Absent: one chain shard, `shard`.
   */
  shards?: number;
}

/** The deterministic keys of a bench run: the same seed gives the same accounts. */
export class BenchAccounts {
  /** One node:crypto signer per account (public key derived by OpenSSL: much faster than noble for 10k keys). */
  readonly signers: Ed25519Signer[];
  readonly addresses: Uint8Array[];
  readonly nonces: number[];

  constructor(count: number, seed: number) {
    this.signers = Array.from({ length: count }, (_, i) =>
      createEd25519Signer(sha256(new TextEncoder().encode(`vshard/bench/${seed}/${i}`))),
    );
    this.addresses = this.signers.map((s) => addressFromPublicKey(s.publicKey));
    this.nonces = new Array(count).fill(0);
  }

  /** Genesis entries funding every account with `balance`. */
  genesis(balance: bigint): Array<{ address: string; balance: string }> {
    return this.addresses.map((a) => ({ address: addressToText(a), balance: balance.toString() }));
  }

  /** The public key of account `i`. */
  publicKey(i: number): Uint8Array {
    return this.signers[i].publicKey;
  }

  /** Signs `tx` with account `i`'s key and encodes it (the result carries the shard it names). */
  sign(i: number, tx: Tx): ReadyTx {
    const hash = txHash(tx);
    const signature = this.signers[i].sign(hash);
    return { bytes: encodeSignedTx({ tx, signature }), hashHex: bytesToHex(hash), shard: tx.shard };
  }

  /** The next nonce of account `i` (and reserves it). */
  takeNonce(i: number): number {
    return this.nonces[i]++;
  }
}
