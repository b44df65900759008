import { ed25519KeyPairFromSeed, ed25519Verify } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Header,
  headerHash,
  MAX_AMOUNT,
  MAX_CHAIN_ID,
  MAX_INT64,
  MAX_SHARD_ID,
  MIN_INT64,
  SmallbankOp,
  signTx,
  type Tx,
  TxKind,
  type TxOfKind,
  txHash,
} from "../src/index.ts";
import { bytesArb, headerArb, smallbankTxArb, transferTxArb, txArb } from "./arbitraries.ts";

/** A different value of the same kind and range. */
const otherInt = (n: number, max: number): number => (n === max ? n - 1 : n + 1);
const otherAmount = (a: bigint): bigint => (a === MAX_AMOUNT ? a - 1n : a + 1n);
const flipBit = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = bytes.slice();
  out[at % out.length] ^= 1 << (at % 8);
  return out;
};

/** Each field common to every kind, changed. */
const txChanges: Array<[string, (tx: Tx, at: number) => Tx]> = [
  ["chainId", (tx) => ({ ...tx, chainId: otherInt(tx.chainId, MAX_CHAIN_ID) })],
  ["shard", (tx) => ({ ...tx, shard: otherInt(tx.shard, MAX_SHARD_ID) })],
  ["sender", (tx, at) => ({ ...tx, sender: flipBit(tx.sender, at) })],
  ["nonce", (tx) => ({ ...tx, nonce: otherInt(tx.nonce, Number.MAX_SAFE_INTEGER) })],
  ["fee", (tx) => ({ ...tx, fee: otherAmount(tx.fee) })],
];

type TransferTx = TxOfKind<TxKind.Transfer>;
type SmallbankTx = TxOfKind<TxKind.Smallbank>;

/** Each payload field of a transfer, changed. */
const transferChanges: Array<[string, (tx: TransferTx, at: number) => TransferTx]> = [
  ["payload.to", (tx, at) => ({ ...tx, payload: { ...tx.payload, to: flipBit(tx.payload.to, at) } })],
  ["payload.amount", (tx) => ({ ...tx, payload: { ...tx.payload, amount: otherAmount(tx.payload.amount) } })],
];

const otherInt64 = (a: bigint): bigint => (a === MAX_INT64 ? a - 1n : a + 1n);

/** Each payload field of a Smallbank tx, changed; `other` also added or removed. */
const smallbankChanges: Array<[string, (tx: SmallbankTx, at: number) => SmallbankTx]> = [
  ["payload.op", (tx) => ({ ...tx, payload: { ...tx.payload, op: (tx.payload.op + 1) % 6 } })],
  [
    "payload.other",
    (tx, at) => {
      const { other, ...rest } = tx.payload;
      return { ...tx, payload: other ? rest : { ...rest, other: new Uint8Array(20).fill(at & 0xff) } };
    },
  ],
  [
    "payload.other bytes",
    (tx, at) => ({
      ...tx,
      payload: { ...tx.payload, other: flipBit(tx.payload.other ?? new Uint8Array(20), at) },
    }),
  ],
  ["payload.amount", (tx) => ({ ...tx, payload: { ...tx.payload, amount: otherInt64(tx.payload.amount) } })],
];

/** A copy of a flat object, sharing no byte array with it. */
const copyFlat = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v instanceof Uint8Array ? v.slice() : v])) as T;
const copyHeader = (h: Header): Header => copyFlat(h);

/** A deep copy, sharing no byte array with `tx`. */
function copyTx(tx: Tx): Tx {
  const sender = tx.sender.slice();
  switch (tx.kind) {
    case TxKind.Transfer:
      return { ...tx, sender, payload: { ...tx.payload, to: tx.payload.to.slice() } };
    case TxKind.Noop:
      return { ...tx, sender, payload: {} };
    case TxKind.Smallbank: {
      const payload = { ...tx.payload };
      if (tx.payload.other) payload.other = tx.payload.other.slice();
      return { ...tx, sender, payload };
    }
    case TxKind.Stake:
    case TxKind.Unstake:
      return { ...tx, sender, payload: { ...tx.payload } } as Tx;
    case TxKind.Vote:
      return { ...tx, sender, payload: { candidates: tx.payload.candidates.map((c) => c.slice()) } };
    case TxKind.Evidence:
      return {
        ...tx,
        sender,
        payload: { first: copyHeader(tx.payload.first), second: copyHeader(tx.payload.second) },
      };
    case TxKind.Anchor:
      return { ...tx, sender, payload: { header: copyHeader(tx.payload.header) } };
    default:
      // The other kinds' payloads hold only numbers, bigints and byte arrays.
      return { ...tx, sender, payload: copyFlat(tx.payload) } as Tx;
  }
}

describe("txHash", () => {
  it.each(txChanges)("changes when %s changes", (_field, change) => {
    fc.assert(
      fc.property(txArb, fc.nat(), (tx, at) => {
        expect(txHash(change(tx, at))).not.toEqual(txHash(tx));
      }),
    );
  });

  it.each(transferChanges)("changes when a transfer's %s changes", (_field, change) => {
    fc.assert(
      fc.property(transferTxArb, fc.nat(), (tx, at) => {
        expect(txHash(change(tx, at))).not.toEqual(txHash(tx));
      }),
    );
  });

  it.each(smallbankChanges)("changes when a smallbank tx's %s changes", (_field, change) => {
    fc.assert(
      fc.property(smallbankTxArb, fc.nat(), (tx, at) => {
        expect(txHash(change(tx, at))).not.toEqual(txHash(tx));
      }),
    );
  });

  it("changes with the kind, even between payloads that encode alike", () => {
    const base = { chainId: 1, shard: 0, sender: new Uint8Array(32), nonce: 0, fee: 1n };
    const noop: Tx = { ...base, kind: TxKind.Noop, payload: {} };
    const balance: Tx = { ...base, kind: TxKind.Smallbank, payload: { op: SmallbankOp.Balance, amount: 0n } };
    expect(txHash(noop)).not.toEqual(txHash(balance));
    expect(txHash({ ...balance, payload: { op: SmallbankOp.Balance, amount: MIN_INT64 } })).not.toEqual(
      txHash(balance),
    );
  });

  it("is 32 bytes and depends only on the tx's content", () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        const copy = copyTx(tx);
        expect(txHash(tx)).toHaveLength(32);
        expect(txHash(copy)).toEqual(txHash(tx));
      }),
    );
  });

  it("signTx signs the hash with the sender's key", () => {
    fc.assert(
      fc.property(bytesArb(32), txArb, (seed, tx) => {
        const keys = ed25519KeyPairFromSeed(seed);
        const signed = signTx({ ...tx, sender: keys.publicKey }, keys.secretKey);
        expect(ed25519Verify(signed.signature, txHash(signed.tx), keys.publicKey)).toBe(true);
        expect(ed25519Verify(signed.signature, txHash(tx), keys.publicKey)).toBe(
          tx.sender.every((b, i) => b === keys.publicKey[i]),
        );
      }),
      { numRuns: 20 },
    );
  });
});

const headerChanges: Array<[keyof Header, (h: Header, at: number) => Header]> = [
  ["chainId", (h) => ({ ...h, chainId: otherInt(h.chainId, MAX_CHAIN_ID) })],
  ["shard", (h) => ({ ...h, shard: otherInt(h.shard, MAX_SHARD_ID) })],
  ["height", (h) => ({ ...h, height: otherInt(h.height, Number.MAX_SAFE_INTEGER) })],
  ["parentHash", (h, at) => ({ ...h, parentHash: flipBit(h.parentHash, at) })],
  ["stateRoot", (h, at) => ({ ...h, stateRoot: flipBit(h.stateRoot, at) })],
  ["txRoot", (h, at) => ({ ...h, txRoot: flipBit(h.txRoot, at) })],
  ["receiptRoot", (h, at) => ({ ...h, receiptRoot: flipBit(h.receiptRoot, at) })],
  ["bodyCid", (h, at) => ({ ...h, bodyCid: flipBit(h.bodyCid, at) })],
  ["proposer", (h, at) => ({ ...h, proposer: flipBit(h.proposer, at) })],
  ["time", (h) => ({ ...h, time: otherInt(h.time, Number.MAX_SAFE_INTEGER) })],
  ["epoch", (h) => ({ ...h, epoch: otherInt(h.epoch, Number.MAX_SAFE_INTEGER) })],
];

describe("headerHash", () => {
  it.each(headerChanges)("changes when %s changes", (_field, change) => {
    fc.assert(
      fc.property(headerArb, fc.nat(), (h, at) => {
        expect(headerHash(change(h, at))).not.toEqual(headerHash(h));
      }),
      { numRuns: 50 },
    );
  });

  it("does not cover the certificate, which signs the hash", () => {
    fc.assert(
      fc.property(headerArb, fc.uint8Array({ maxLength: 96 }), (h, certificate) => {
        expect(headerHash({ ...h, certificate })).toEqual(headerHash(h));
      }),
      { numRuns: 50 },
    );
  });
});

describe("decodeWireTx", () => {
  it("hashes the tx tuple straight from the wire bytes, equal to txHash, with the encoded size", async () => {
    const { decodeWireTx, encodeSignedTx, txHash, signTx, TxKind } = await import("../src/index.ts");
    const { ed25519KeyPairFromSeed, bytesToHex } = await import("@vshard/crypto");
    const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(5));
    for (const amount of [1n, 300n, 70_000n, 5_000_000_000n, (1n << 64n) - 1n]) {
      const stx = signTx(
        {
          chainId: 9,
          shard: 3,
          kind: TxKind.Transfer,
          sender: keys.publicKey,
          nonce: 77,
          fee: 2n,
          payload: { to: new Uint8Array(20).fill(1), amount },
        },
        keys.secretKey,
      );
      const bytes = encodeSignedTx(stx);
      const wire = decodeWireTx(bytes);
      expect(bytesToHex(wire.hash)).toBe(bytesToHex(txHash(stx.tx)));
      expect(wire.size).toBe(bytes.length);
    }
  });
});
