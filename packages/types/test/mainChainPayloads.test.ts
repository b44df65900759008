import { bytesToHex, ed25519KeyPairFromSeed, ed25519Verify } from "@vshard/crypto";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  type CodecErrorCode,
  decodeSchema,
  decodeSignedTx,
  decodeTx,
  decodeWireTx,
  EpochProofPurpose,
  encodeRecord,
  encodeSchema,
  encodeSignedTx,
  encodeTx,
  headerToTuple,
  MAX_CHAIN_ID,
  MAX_RECORD_BYTES,
  MAX_RECORD_TYPES,
  MAX_SCHEMA_BYTES,
  parseWorkerChainSchema,
  recordTypeIndex,
  signTx,
  type Tx,
  TxKind,
  txHash,
  validateRecord,
} from "../src/index.ts";
import {
  anchorTxArb,
  bytesArb,
  epochProofTxArb,
  headerArb,
  recordTxArb,
  registerChainTxArb,
  registerValidatorTxArb,
  updateChainTxArb,
} from "./arbitraries.ts";
import { expectCodecError } from "./expectCodecError.ts";
import { loadExample } from "./schema/fixtures.ts";

/** msgpack without the canonical rules, to write tuples by hand. */
const loosePackr = new Packr({ useRecords: false, variableMapSize: true });
const plain = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes);
const base = { chainId: 0, shard: 0, sender: new Uint8Array(32).fill(7), nonce: 3, fee: 1n };
/** An encoded tx of `kind` with `payload` as its payload tuple (written loosely, so any shape can be tried). */
const txWith = (kind: number, payload: unknown) => loosePackr.pack([0, 0, kind, base.sender, 3, 1, payload]);
/** The payload tuple of an encoded tx. */
const payloadOf = (tx: Tx) => (loosePackr.unpack(encodeTx(tx)) as unknown[])[6] as unknown[];
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

const kindArbs = [
  ["register-validator", registerValidatorTxArb],
  ["register-chain", registerChainTxArb],
  ["update-chain", updateChainTxArb],
  ["record", recordTxArb],
  ["anchor", anchorTxArb],
  ["epoch-proof", epochProofTxArb],
] as const;

describe("TxKind numbers of issue 5", () => {
  it("register-validator 6, register-chain 7, update-chain 8, record 9, anchor 13, epoch-proof 14", () => {
    const kinds = [TxKind.RegisterValidator, TxKind.RegisterChain, TxKind.UpdateChain, TxKind.Record];
    expect(kinds).toEqual([6, 7, 8, 9]);
    expect([TxKind.Anchor, TxKind.EpochProof]).toEqual([13, 14]);
    expect([EpochProofPurpose.Seed, EpochProofPurpose.Sortition]).toEqual([0, 1]);
    expect(MAX_SCHEMA_BYTES).toBe(65_536);
  });
});

describe.each(kindArbs)("%s tx", (_name, arb) => {
  it("round-trips through encodeTx/decodeTx, re-encoding to the same bytes", () => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<Tx>, (tx) => {
        const encoded = encodeTx(tx);
        const back = decodeTx(encoded);
        expect(back).toEqual(tx);
        expect(plain(encodeTx(back))).toEqual(plain(encoded));
      }),
    );
  });

  it("round-trips signed, with the wire hash equal to txHash and a signature that verifies", () => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<Tx>, bytesArb(32), (tx, seed) => {
        const keys = ed25519KeyPairFromSeed(seed);
        const stx = signTx({ ...tx, sender: keys.publicKey }, keys.secretKey);
        const encoded = encodeSignedTx(stx);
        expect(decodeSignedTx(encoded)).toEqual(stx);
        const wire = decodeWireTx(encoded);
        expect(bytesToHex(wire.hash)).toBe(bytesToHex(txHash(stx.tx)));
        expect(ed25519Verify(stx.signature, wire.hash, keys.publicKey)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});

describe("payload tuples", () => {
  it("write every payload as a fixed-order tuple", () => {
    const keys = { blsPublicKey: bytes(48), blsProofOfPossession: bytes(96, 2), vrfPublicKey: bytes(32, 3) };
    const rv: Tx = { ...base, kind: TxKind.RegisterValidator, payload: { ...keys, deposit: 2n ** 60n } };
    expect(payloadOf(rv).map((v) => (v instanceof Uint8Array ? plain(v) : v))).toEqual([
      keys.blsPublicKey,
      keys.blsProofOfPossession,
      keys.vrfPublicKey,
      2n ** 60n,
    ]);
    const uc: Tx = { ...base, kind: TxKind.UpdateChain, payload: { chainId: 5, schema: bytes(3) } };
    expect(payloadOf(uc).map((v) => (v instanceof Uint8Array ? plain(v) : v))).toEqual([5, bytes(3)]);
    const rec: Tx = { ...base, kind: TxKind.Record, payload: { recordType: 2, record: bytes(1) } };
    expect(payloadOf(rec)[0]).toBe(2);
    const ep: Tx = {
      ...base,
      kind: TxKind.EpochProof,
      payload: { epoch: 9, purpose: EpochProofPurpose.Sortition, proof: bytes(80) },
    };
    expect(payloadOf(ep).slice(0, 2)).toEqual([9, 1]);
    fc.assert(
      fc.property(headerArb, (header) => {
        const tuple = payloadOf({ ...base, kind: TxKind.Anchor, payload: { header } });
        expect(plain(loosePackr.pack(tuple[0]))).toEqual(plain(loosePackr.pack(headerToTuple(header))));
      }),
      { numRuns: 20 },
    );
  });

  it("carries a real schema and a real record, which decode back from the payload bytes", () => {
    const gpu = parseWorkerChainSchema(loadExample("gpu-rental"));
    const register: Tx = { ...base, kind: TxKind.RegisterChain, payload: { schema: encodeSchema(gpu) } };
    const back = decodeTx(encodeTx(register));
    expect(back.kind === TxKind.RegisterChain && decodeSchema(back.payload.schema)).toEqual(gpu);
    const end = validateRecord(gpu, "rentalEnd", { rentalId: "r", end: 5, reason: "machine-failure" });
    const record: Tx = {
      ...base,
      chainId: 1,
      kind: TxKind.Record,
      payload: {
        recordType: recordTypeIndex(gpu, "rentalEnd"),
        record: plain(encodeRecord(gpu, "rentalEnd", end)),
      },
    };
    expect(decodeTx(encodeTx(record))).toEqual(record);
  });

  it("accepts the edges: schema and record bytes at their maximum, record type 63, chain id 2^32-1", () => {
    const edges: Tx[] = [
      { ...base, kind: TxKind.RegisterChain, payload: { schema: bytes(MAX_SCHEMA_BYTES) } },
      { ...base, kind: TxKind.UpdateChain, payload: { chainId: MAX_CHAIN_ID, schema: bytes(1) } },
      {
        ...base,
        kind: TxKind.Record,
        payload: { recordType: MAX_RECORD_TYPES - 1, record: bytes(MAX_RECORD_BYTES) },
      },
    ];
    for (const tx of edges) expect(decodeTx(encodeTx(tx))).toEqual(tx);
  });
});

const pk = bytes(48);
const pop = bytes(96);
const vrf = bytes(32);
const proof = bytes(80);
const header = (): unknown[] => [
  1,
  0,
  5,
  bytes(32),
  bytes(32),
  bytes(32),
  bytes(32),
  bytes(36),
  bytes(32),
  0,
  0,
  bytes(0),
];
const headerWith = (at: number, value: unknown) => header().map((v, i) => (i === at ? value : v));

const [RANGE, TYPE, SHAPE] = [
  "CODEC_ERROR_OUT_OF_RANGE",
  "CODEC_ERROR_WRONG_TYPE",
  "CODEC_ERROR_WRONG_SHAPE",
] as const;
const schemaRange = `1..${MAX_SCHEMA_BYTES} bytes`;
const recordRange = `1..${MAX_RECORD_BYTES} bytes`;

/** [message the error carries, kind, payload tuple, code]. */
const malformed: Array<[string, number, unknown, CodecErrorCode]> = [
  ["tx.payload.blsPublicKey: expected 48 bytes, got 47", 6, [bytes(47), pop, vrf, 1], RANGE],
  ["tx.payload.blsProofOfPossession: expected 96 bytes, got 95", 6, [pk, bytes(95), vrf, 1], RANGE],
  ["tx.payload.vrfPublicKey: expected 32 bytes, got 33", 6, [pk, pop, bytes(33), 1], RANGE],
  ["tx.payload.blsPublicKey: expected bytes", 6, ["ab", pop, vrf, 1], TYPE],
  ["tx.payload.deposit: amount outside 0..2^64-1", 6, [pk, pop, vrf, -1], RANGE],
  ["tx.payload.deposit: expected an integer amount", 6, [pk, pop, vrf, bytes(8)], TYPE],
  ["tx.payload: expected 4 fields, got 3", 6, [pk, pop, vrf], SHAPE],
  [`tx.payload.schema: expected ${schemaRange}, got 0`, 7, [bytes(0)], RANGE],
  [
    `tx.payload.schema: expected ${schemaRange}, got ${MAX_SCHEMA_BYTES + 1}`,
    7,
    [bytes(MAX_SCHEMA_BYTES + 1)],
    RANGE,
  ],
  ["tx.payload.schema: expected bytes", 7, [{ name: "x" }], TYPE],
  ["tx.payload: expected a tuple", 7, bytes(4), SHAPE],
  [
    `tx.payload.chainId: 0 is outside 1..${MAX_CHAIN_ID} (chain 0 is the main chain)`,
    8,
    [0, bytes(4)],
    RANGE,
  ],
  [`tx.payload.chainId: 4294967296 is outside 0..${MAX_CHAIN_ID}`, 8, [2 ** 32, bytes(4)], RANGE],
  ["tx.payload.chainId: expected an integer", 8, ["1", bytes(4)], TYPE],
  [`tx.payload.schema: expected ${schemaRange}, got 0`, 8, [1, bytes(0)], RANGE],
  ["tx.payload: expected 2 fields, got 1", 8, [1], SHAPE],
  [`tx.payload.recordType: 64 is outside 0..${MAX_RECORD_TYPES - 1}`, 9, [MAX_RECORD_TYPES, bytes(1)], RANGE],
  ["tx.payload.recordType: -1 is outside 0..63", 9, [-1, bytes(1)], RANGE],
  ["tx.payload.recordType: expected an integer", 9, [1.5, bytes(1)], TYPE],
  [`tx.payload.record: expected ${recordRange}, got 0`, 9, [0, bytes(0)], RANGE],
  [
    `tx.payload.record: expected ${recordRange}, got ${MAX_RECORD_BYTES + 1}`,
    9,
    [0, bytes(MAX_RECORD_BYTES + 1)],
    RANGE,
  ],
  ["tx.payload.record: expected bytes", 9, [0, [1, 2]], TYPE],
  ["tx.payload.header: expected 12 fields, got 11", 13, [header().slice(1)], SHAPE],
  ["tx.payload.header.height: expected an integer", 13, [headerWith(2, "5")], TYPE],
  ["tx.payload.header.stateRoot: expected 32 bytes, got 31", 13, [headerWith(4, bytes(31))], RANGE],
  ["tx.payload: expected 1 fields, got 2", 13, [header(), header()], SHAPE],
  ["tx.payload.purpose: 2 is outside 0..1", 14, [1, 2, proof], RANGE],
  ["tx.payload.purpose: expected an integer", 14, [1, "seed", proof], TYPE],
  ["tx.payload.epoch: -1 is outside", 14, [-1, 0, proof], RANGE],
  ["tx.payload.proof: expected 80 bytes, got 79", 14, [1, 0, bytes(79)], RANGE],
  ["tx.payload.proof: expected 80 bytes, got 81", 14, [1, 0, bytes(81)], RANGE],
];

describe("malformed payloads", () => {
  it.each(malformed)("%s (kind %i)", (message, kind, payload, code) => {
    expectCodecError(() => decodeTx(txWith(kind, payload)), code, message);
  });

  it("name the field in the error's `what`", () => {
    try {
      decodeTx(txWith(13, [headerWith(2, "5")]));
    } catch (err) {
      expect((err as { type: { what: string } }).type.what).toBe("tx.payload.header.height");
      return;
    }
    expect.unreachable("expected a CodecError");
  });

  it("a deposit written as uint64 although it fits a fixint is CODEC_ERROR_NOT_CANONICAL", () => {
    const canonical = encodeTx({
      ...base,
      kind: TxKind.RegisterValidator,
      payload: { blsPublicKey: pk, blsProofOfPossession: pop, vrfPublicKey: vrf, deposit: 5n },
    });
    // The deposit is the last byte (positive fixint 05); rewrite it as uint64 (cf 00..05).
    const wide = Uint8Array.from([...canonical.subarray(0, -1), 0xcf, 0, 0, 0, 0, 0, 0, 0, 5]);
    expectCodecError(() => decodeTx(wide), "CODEC_ERROR_NOT_CANONICAL", "tx: not the canonical encoding");
  });
});
