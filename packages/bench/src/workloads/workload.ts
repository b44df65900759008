import {
  bytesToHex,
  createEd25519Signer,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  sha256,
} from "@vshard/crypto";
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
  /** Accounts the genesis must fund. */
  genesisAccounts(): Array<{ address: string; balance: string }>;
  /** Transactions to run and finalise before the measured window (not measured). */
  setupTxs(): ReadyTx[];
  /** The next `count` transactions, signed. */
  nextTxs(count: number): ReadyTx[];
  /** A check of the final state against what the workload expects, given which txs became final. */
  check?(client: ApiClient, isFinal: (hashHex: string) => boolean): Promise<WorkloadCheck>;
}

/** Options every workload takes. */
export interface WorkloadOptions {
  accounts: number;
  seed: number;
  chainId: number;
  shard: number;
}

/** The deterministic keys of a bench run: the same seed gives the same accounts. */
export class BenchAccounts {
  readonly keys: Ed25519KeyPair[];
  readonly addresses: Uint8Array[];
  private readonly signers: Array<((m: Uint8Array) => Uint8Array) | undefined>;
  readonly nonces: number[];

  constructor(count: number, seed: number) {
    this.keys = Array.from({ length: count }, (_, i) =>
      ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`vshard/bench/${seed}/${i}`))),
    );
    this.addresses = this.keys.map((k) => addressFromPublicKey(k.publicKey));
    this.signers = new Array(count);
    this.nonces = new Array(count).fill(0);
  }

  /** Genesis entries funding every account with `balance`. */
  genesis(balance: bigint): Array<{ address: string; balance: string }> {
    return this.addresses.map((a) => ({ address: addressToText(a), balance: balance.toString() }));
  }

  /** Signs `tx` with account `i`'s key through node:crypto and encodes it. */
  sign(i: number, tx: Tx): ReadyTx {
    this.signers[i] ??= createEd25519Signer(this.keys[i].secretKey);
    const hash = txHash(tx);
    const signature = (this.signers[i] as (m: Uint8Array) => Uint8Array)(hash);
    return { bytes: encodeSignedTx({ tx, signature }), hashHex: bytesToHex(hash) };
  }

  /** The next nonce of account `i` (and reserves it). */
  takeNonce(i: number): number {
    return this.nonces[i]++;
  }
}
