import { compareBytes } from "@vshard/crypto";
import fc from "fast-check";
import {
  type Account,
  ADDRESS_LENGTH,
  type Block,
  BODY_CID_LENGTH,
  decodeAccount,
  decodeBlock,
  decodeBody,
  decodeHeader,
  decodeReceipt,
  decodeSignedTx,
  decodeSmallbankRecord,
  decodeTx,
  EpochProofPurpose,
  encodeAccount,
  encodeBlock,
  encodeBody,
  encodeHeader,
  encodeReceipt,
  encodeSignedTx,
  encodeSmallbankRecord,
  encodeTx,
  type Header,
  isDefaultStaking,
  MAX_AMOUNT,
  MAX_CHAIN_ID,
  MAX_INT64,
  MAX_RECORD_BYTES,
  MAX_RECORD_TYPES,
  MAX_SCHEMA_BYTES,
  MAX_SHARD_ID,
  MAX_VOTES,
  MIN_INT64,
  type Receipt,
  type SignedTx,
  SmallbankOp,
  type SmallbankPayload,
  type SmallbankRecord,
  type Staking,
  type Tx,
  TxKind,
  type TxOfKind,
} from "../src/index.ts";

/** Amounts over the whole wire range, with the edges (0, 2^53-1, 2^53, 2^63, 2^64-1) often. */
export const amountArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_AMOUNT }),
  fc.constantFrom(0n, 1n, 127n, 128n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, MAX_AMOUNT),
  fc.bigInt({ min: 0n, max: 1_000_000n }),
);

/** Signed int64 values, with the edges of each msgpack int size (and of the float-free wire rule) often. */
export const int64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: MIN_INT64, max: MAX_INT64 }),
  fc.constantFrom(
    MIN_INT64,
    -(2n ** 31n) - 1n,
    -(2n ** 31n),
    -129n,
    -33n,
    -32n,
    -1n,
    0n,
    127n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n,
    MAX_INT64,
  ),
  fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
);

/** Non-negative safe integers, small ones and the edges of each msgpack int size often. */
export const uintArb: fc.Arbitrary<number> = fc.oneof(
  fc.nat(),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
);

export const chainIdArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_CHAIN_ID }),
  fc.constantFrom(0, MAX_CHAIN_ID),
);
export const shardArb = fc.oneof(fc.integer({ min: 0, max: MAX_SHARD_ID }), fc.constantFrom(0, MAX_SHARD_ID));

/** Exactly `n` random bytes. */
export const bytesArb = (n: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: n, maxLength: n });

const txFields = {
  chainId: chainIdArb,
  shard: shardArb,
  sender: bytesArb(32),
  nonce: uintArb,
  fee: amountArb,
};

export const transferTxArb: fc.Arbitrary<TxOfKind<TxKind.Transfer>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Transfer as const),
  payload: fc.record({ to: bytesArb(ADDRESS_LENGTH), amount: amountArb }),
});

export const noopTxArb: fc.Arbitrary<TxOfKind<TxKind.Noop>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Noop as const),
  payload: fc.constant({}),
});

/** Any op with or without `other` (the codec does not tie them: the stateless checks do). */
export const smallbankPayloadArb: fc.Arbitrary<SmallbankPayload> = fc.record(
  {
    op: fc.constantFrom(
      ...(Object.values(SmallbankOp).filter((v) => typeof v === "number") as SmallbankOp[]),
    ),
    other: bytesArb(ADDRESS_LENGTH),
    amount: int64Arb,
  },
  { requiredKeys: ["op", "amount"] },
);

export const smallbankTxArb: fc.Arbitrary<TxOfKind<TxKind.Smallbank>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Smallbank as const),
  payload: smallbankPayloadArb,
});

export const stakeTxArb: fc.Arbitrary<TxOfKind<TxKind.Stake>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Stake as const),
  payload: fc.record({ amount: amountArb }),
});

export const unstakeTxArb: fc.Arbitrary<TxOfKind<TxKind.Unstake>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Unstake as const),
  payload: fc.record({ amount: amountArb }),
});

/** Any list of addresses (the codec keeps the order: sorting is a stateless check). */
export const voteTxArb: fc.Arbitrary<TxOfKind<TxKind.Vote>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Vote as const),
  payload: fc.record({ candidates: fc.array(bytesArb(ADDRESS_LENGTH), { maxLength: 4 }) }),
});

export const headerArb: fc.Arbitrary<Header> = fc.record({
  chainId: chainIdArb,
  shard: shardArb,
  height: uintArb,
  parentHash: bytesArb(32),
  stateRoot: bytesArb(32),
  txRoot: bytesArb(32),
  receiptRoot: bytesArb(32),
  bodyCid: bytesArb(BODY_CID_LENGTH),
  proposer: bytesArb(32),
  time: uintArb,
  epoch: uintArb,
  certificate: fc.uint8Array({ maxLength: 120 }),
});

/** Any two headers (the codec does not check that they prove anything: execution does). */
export const evidenceTxArb: fc.Arbitrary<TxOfKind<TxKind.Evidence>> = fc.record({
  ...txFields,
  kind: fc.constant(TxKind.Evidence as const),
  payload: fc.record({ first: headerArb, second: headerArb }),
});

/** A tx of `kind` with any common fields and a payload from `payload`. */
const txOf = <K extends TxKind>(kind: K, payload: fc.Arbitrary<TxOfKind<K>["payload"]>) =>
  fc.record({ ...txFields, kind: fc.constant(kind), payload }) as unknown as fc.Arbitrary<TxOfKind<K>>;

/**
 * Byte strings of 1..`max` bytes, across the bin8/bin16 boundary (255/256). The edge `max` itself is tested on its
 * own: deep-comparing 64 KiB arrays in every property would slow the suites for no new case.
 */
const boundedBytesArb = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: 1, maxLength: Math.min(max, 300) });

/** Keys of the right lengths only: the codec does not check that they are points (execution does). */
export const registerValidatorTxArb = txOf(
  TxKind.RegisterValidator,
  fc.record({
    blsPublicKey: bytesArb(48),
    blsProofOfPossession: bytesArb(96),
    vrfPublicKey: bytesArb(32),
    deposit: amountArb,
  }),
);
/** Any schema bytes: the codec checks their length, the engine decodes them. */
export const registerChainTxArb = txOf(
  TxKind.RegisterChain,
  fc.record({ schema: boundedBytesArb(MAX_SCHEMA_BYTES) }),
);
export const updateChainTxArb = txOf(
  TxKind.UpdateChain,
  fc.record({
    chainId: fc.oneof(fc.integer({ min: 1, max: MAX_CHAIN_ID }), fc.constantFrom(1, MAX_CHAIN_ID)),
    schema: boundedBytesArb(MAX_SCHEMA_BYTES),
  }),
);
export const recordTxArb = txOf(
  TxKind.Record,
  fc.record({
    recordType: fc.integer({ min: 0, max: MAX_RECORD_TYPES - 1 }),
    record: boundedBytesArb(MAX_RECORD_BYTES),
  }),
);
export const anchorTxArb = txOf(TxKind.Anchor, fc.record({ header: headerArb }));
export const epochProofTxArb = txOf(
  TxKind.EpochProof,
  fc.record({
    epoch: uintArb,
    purpose: fc.constantFrom(EpochProofPurpose.Seed, EpochProofPurpose.Sortition),
    proof: bytesArb(80),
  }),
);

/** Txs of every kind. */
export const txArb: fc.Arbitrary<Tx> = fc.oneof(
  transferTxArb,
  noopTxArb,
  smallbankTxArb,
  stakeTxArb,
  unstakeTxArb,
  voteTxArb,
  evidenceTxArb,
  registerValidatorTxArb,
  registerChainTxArb,
  updateChainTxArb,
  recordTxArb,
  anchorTxArb,
  epochProofTxArb,
);

export const signedTxArb: fc.Arbitrary<SignedTx> = fc.record({ tx: txArb, signature: bytesArb(64) });

export const bodyArb: fc.Arbitrary<SignedTx[]> = fc.array(signedTxArb, { maxLength: 4 });

export const blockArb: fc.Arbitrary<Block> = fc.record({ header: headerArb, txs: bodyArb });

/** Sorted, unique vote lists of up to `MAX_VOTES` addresses; few distinct bytes so that prefixes collide. */
export const votesArb: fc.Arbitrary<Uint8Array[]> = fc
  .uniqueArray(
    fc.oneof(
      bytesArb(ADDRESS_LENGTH),
      fc.constantFrom(0, 1, 255).map((b) => new Uint8Array(20).fill(b)),
    ),
    {
      maxLength: MAX_VOTES,
      comparator: (a, b) => compareBytes(a, b) === 0,
    },
  )
  .map((votes) => votes.sort(compareBytes));

/** Staking states other than the default one (which an account never carries once decoded). */
export const stakingArb: fc.Arbitrary<Staking> = fc
  .record({ stake: amountArb, votes: votesArb, candidate: fc.boolean(), votesReceived: amountArb })
  .filter((s) => !isDefaultStaking(s));

/** Accounts in their canonical form: without staking, or with a staking state that is not the default. */
export const accountArb: fc.Arbitrary<Account> = fc.oneof(
  fc.record({ balance: amountArb, nonce: uintArb }),
  fc.record({ balance: amountArb, nonce: uintArb, staking: stakingArb }),
);

export const smallbankRecordArb: fc.Arbitrary<SmallbankRecord> = fc.record({
  checking: int64Arb,
  savings: int64Arb,
});

const shardRefArb = fc.record({ chainId: chainIdArb, shard: shardArb });

export const receiptArb: fc.Arbitrary<Receipt> = fc.record({
  id: bytesArb(32),
  from: bytesArb(ADDRESS_LENGTH),
  to: bytesArb(ADDRESS_LENGTH),
  amount: amountArb,
  source: shardRefArb,
  destination: shardRefArb,
});

/** One codec under test: its name, an arbitrary of values, and its encode/decode pair. */
export interface CodecCase<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const codec = <T>(c: CodecCase<T>): CodecCase<unknown> => c as CodecCase<unknown>;

/** Every canonical codec of @vshard/types. */
export const codecs: CodecCase<unknown>[] = [
  codec({ name: "tx", arb: txArb, encode: encodeTx, decode: decodeTx }),
  codec({ name: "signedTx", arb: signedTxArb, encode: encodeSignedTx, decode: decodeSignedTx }),
  codec({ name: "header", arb: headerArb, encode: encodeHeader, decode: decodeHeader }),
  codec({ name: "block", arb: blockArb, encode: encodeBlock, decode: decodeBlock }),
  codec({ name: "body", arb: bodyArb, encode: encodeBody, decode: decodeBody }),
  codec({ name: "account", arb: accountArb, encode: encodeAccount, decode: decodeAccount }),
  codec({ name: "receipt", arb: receiptArb, encode: encodeReceipt, decode: decodeReceipt }),
  codec({
    name: "smallbankRecord",
    arb: smallbankRecordArb,
    encode: encodeSmallbankRecord,
    decode: decodeSmallbankRecord,
  }),
];
