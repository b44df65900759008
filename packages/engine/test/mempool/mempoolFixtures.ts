import { sha256 } from "@vshard/crypto";
import { type Account, type SignedTx, TxKind } from "@vshard/types";
import { expect } from "vitest";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import {
  type MempoolEntry,
  MempoolError,
  type MempoolOptions,
  mempoolEntryOf,
} from "../../src/mempool/index.ts";

const enc = new TextEncoder();

/** A dummy sender public key per index (the mempool does not verify signatures). */
export const senderKey = (i: number): Uint8Array => sha256(enc.encode(`sender-${i}`));

/** A hand-built transfer with a dummy signature. */
export function transfer(sender: number, nonce: number, fee: bigint, amount = 1n): SignedTx {
  return {
    tx: {
      chainId: 1,
      shard: 0,
      kind: TxKind.Transfer,
      sender: senderKey(sender),
      nonce,
      fee,
      payload: { to: new Uint8Array(20).fill(7), amount },
    },
    signature: new Uint8Array(64),
  };
}

/** A mempool entry for (sender, nonce, fee), optionally with a given amount and size. */
export function entry(
  sender: number,
  nonce: number,
  fee: bigint | number,
  opts: { amount?: bigint; size?: number } = {},
): MempoolEntry {
  const prepared = prepareTx(transfer(sender, nonce, BigInt(fee), opts.amount ?? 1n));
  return mempoolEntryOf(opts.size === undefined ? prepared : { ...prepared, size: opts.size });
}

/** The hex key of sender `i`, as the pool groups it. */
export const senderHexOf = (i: number): string => entry(i, 0, 1).senderHex;

/** A rich account at `nonce`. */
export const rich = (nonce = 0): Account => ({ balance: 1_000_000n, nonce });

/** Options with generous limits, overridden per test. */
export function options(over: Partial<MempoolOptions> = {}): MempoolOptions {
  return {
    maxTxs: 1000,
    maxBytes: 1_000_000,
    maxPerSender: 100,
    maxNonceGap: 100,
    replaceFeeBumpPercent: 10,
    ...over,
  };
}

/** Runs `fn` and returns the MempoolError it throws (fails when it does not throw one). */
export function rejection(fn: () => unknown): MempoolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MempoolError);
    return err as MempoolError;
  }
  throw new Error("expected a MempoolError");
}

/** The nonces of entries. */
export const nonces = (es: MempoolEntry[]) => es.map((e) => e.nonce);
/** Short "sender:nonce" labels of entries. */
export const ids = (es: MempoolEntry[]) => es.map((e) => `${e.senderHex.slice(0, 4)}:${e.nonce}`);
/** The label of (sender, nonce). */
export const id = (sender: number, nonce: number) => `${senderHexOf(sender).slice(0, 4)}:${nonce}`;
/** An accountNonce function from a table sender index → nonce (0 for others). */
export const nonceTable = (table: Record<number, number>) => {
  const bySender = new Map(Object.entries(table).map(([s, n]) => [senderHexOf(Number(s)), n]));
  return (hex: string) => bySender.get(hex) ?? 0;
};
