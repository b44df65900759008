import { sha256 } from "@vshard/crypto";
import { encodeTuple } from "@vshard/types";
import fc from "fast-check";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { sha512 } from "multiformats/hashes/sha2";
import { describe, expect, it } from "vitest";
import { cidOfBytes } from "../../src/dlfs/cid.ts";
import { DlfsError, isDlfsError } from "../../src/dlfs/dlfsError.ts";
import {
  type BodyManifest,
  chunkCountOf,
  chunkRange,
  decodeManifest,
  encodeManifest,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
} from "../../src/dlfs/manifest.ts";
import { type DlfsLayout, packBody } from "../../src/dlfs/packBody.ts";

/** Random layouts a manifest can describe; small chunk sizes so that bodies span several chunks. */
const layoutArb: fc.Arbitrary<DlfsLayout> = fc.record({
  codec: fc.constantFrom("zstd" as const, "none" as const),
  level: fc.integer({ min: 1, max: 9 }),
  chunkSize: fc.integer({ min: MIN_CHUNK_SIZE, max: 8 * 1024 }),
});
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 20_000 }),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 0, max: 2_000 }))
    .map(([unit, times]) =>
      Uint8Array.from({ length: unit.length * times }, (_, i) => unit[i % unit.length]),
    ),
);

function badManifest(bytes: Uint8Array): DlfsError {
  try {
    decodeManifest(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(DlfsError);
    expect((err as DlfsError).code).toBe("DLFS_ERROR_BAD_MANIFEST");
    return err as DlfsError;
  }
  throw new Error("expected DLFS_ERROR_BAD_MANIFEST, the manifest decoded");
}

/** A consistent manifest of `chunks` chunks of 1 KiB (the last one 1 byte), uncompressed. */
function manifestOf(chunks: number, changes: Partial<BodyManifest> = {}): BodyManifest {
  const length = (chunks - 1) * 1024 + 1;
  return {
    codec: "none",
    bodyLength: length,
    bodyHash: sha256(Uint8Array.of(1)),
    packedLength: length,
    chunkSize: 1024,
    chunks: Array.from({ length: chunks }, (_, i) => cidOfBytes(Uint8Array.of(i))),
    ...changes,
  };
}

/** The manifest tuple as `encodeManifest` lays it out, with fields replaced. */
function tupleOf(m: BodyManifest, version = 1): unknown[] {
  return [
    version,
    m.codec === "zstd" ? 1 : 0,
    m.bodyLength,
    m.bodyHash,
    m.packedLength,
    m.chunkSize,
    m.chunks,
  ];
}

describe("encodeManifest / decodeManifest", () => {
  it("round trip every manifest packBody makes", () => {
    fc.assert(
      fc.property(bodyArb, layoutArb, (body, layout) => {
        const { manifest, manifestObject } = packBody(body, layout);
        const bytes = encodeManifest(manifest);
        expect(bytes).toEqual(manifestObject.bytes);
        const decoded = decodeManifest(bytes);
        expect(decoded).toEqual(manifest);
        expect(encodeManifest(decoded)).toEqual(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it("decoding random bytes throws only DlfsError BAD_MANIFEST", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => decodeManifest(bytes)).toThrow(DlfsError);
        try {
          decodeManifest(bytes);
        } catch (err) {
          expect(isDlfsError(err, "DLFS_ERROR_BAD_MANIFEST")).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("decoding random well-formed 7-tuples throws only BAD_MANIFEST (or gives back a manifest that re-encodes)", () => {
    const field = fc.oneof(
      fc.nat(),
      fc.constantFrom(0, 1, 2, 1024, MAX_CHUNK_SIZE + 1),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.uint8Array({ minLength: 30, maxLength: 40 }), { maxLength: 3 }),
      fc.string({ maxLength: 5 }),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt({ min: 0n, max: 1n << 64n }),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 7, maxLength: 7 }), (tuple) => {
        let bytes: Uint8Array;
        try {
          bytes = encodeTuple(tuple);
        } catch {
          return; // a value msgpack cannot hold (a bigint above 2^64 - 1): not a manifest's bytes anyway
        }
        let decoded: BodyManifest;
        try {
          decoded = decodeManifest(bytes);
        } catch (err) {
          expect(isDlfsError(err, "DLFS_ERROR_BAD_MANIFEST")).toBe(true);
          return;
        }
        expect(encodeManifest(decoded)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a packed length that needs more or fewer chunks than listed", () => {
    badManifest(encodeManifest(manifestOf(3, { packedLength: 3 * 1024 + 1, bodyLength: 3 * 1024 + 1 })));
    badManifest(encodeManifest(manifestOf(3, { packedLength: 2 * 1024, bodyLength: 2 * 1024 })));
    badManifest(encodeManifest(manifestOf(1, { chunks: [] })));
    // An empty body still has one (empty) chunk.
    expect(
      decodeManifest(encodeManifest(manifestOf(1, { packedLength: 0, bodyLength: 0 }))).chunks,
    ).toHaveLength(1);
    badManifest(encodeManifest(manifestOf(2, { packedLength: 0, bodyLength: 0 })));
  });

  it("refuses a chunk size below 1 KiB or above 4 MiB", () => {
    const m = manifestOf(1, { packedLength: 10, bodyLength: 10 });
    expect(decodeManifest(encodeManifest({ ...m, chunkSize: MIN_CHUNK_SIZE })).chunkSize).toBe(
      MIN_CHUNK_SIZE,
    );
    expect(decodeManifest(encodeManifest({ ...m, chunkSize: MAX_CHUNK_SIZE })).chunkSize).toBe(
      MAX_CHUNK_SIZE,
    );
    expect(badManifest(encodeManifest({ ...m, chunkSize: MIN_CHUNK_SIZE - 1 })).message).toContain(
      "chunk size",
    );
    badManifest(encodeManifest({ ...m, chunkSize: 0 }));
    badManifest(encodeManifest({ ...m, chunkSize: MAX_CHUNK_SIZE + 1 }));
  });

  it("refuses codec none with a packed length that differs from the body length", () => {
    badManifest(encodeManifest(manifestOf(2, { bodyLength: 1025 + 1 })));
    // zstd may differ: the same fields with codec zstd decode.
    expect(decodeManifest(encodeManifest(manifestOf(2, { codec: "zstd", bodyLength: 1025 + 1 }))).codec).toBe(
      "zstd",
    );
  });

  it("refuses a chunk CID that is not 36 bytes", () => {
    const m = manifestOf(2);
    badManifest(encodeManifest({ ...m, chunks: [m.chunks[0], m.chunks[1].subarray(0, 35)] }));
    badManifest(encodeManifest({ ...m, chunks: [m.chunks[0], Uint8Array.of(...m.chunks[1], 0)] }));
  });

  it("refuses a 36-byte chunk CID that is not CIDv1 raw sha2-256 with BAD_MANIFEST naming the chunk", () => {
    const m = manifestOf(2);
    // 36 bytes each, like a vshard CID: a dag-cbor CID, and a CIDv1 raw whose digest is 32 bytes of sha2-512.
    const cbor = CID.createV1(0x71, createDigest(0x12, sha256(Uint8Array.of(1)))).bytes;
    const sha512Raw = CID.createV1(0x55, createDigest(sha512.code, sha256(Uint8Array.of(1)))).bytes;
    for (const other of [cbor, sha512Raw]) {
      expect(other.length).toBe(36);
      expect(badManifest(encodeManifest({ ...m, chunks: [m.chunks[0], other] })).message).toContain(
        "chunk 1:",
      );
    }
    expect(
      badManifest(encodeManifest({ ...m, chunks: [new Uint8Array(36), m.chunks[1]] })).message,
    ).toContain("chunk 0:");
  });

  it("refuses version 2 (and 0), an unknown codec byte, a short hash, and trailing bytes", () => {
    const m = manifestOf(1);
    expect(decodeManifest(encodeTuple(tupleOf(m, 1)))).toEqual(m);
    expect(badManifest(encodeTuple(tupleOf(m, 2))).message).toContain("version 2");
    badManifest(encodeTuple(tupleOf(m, 0)));
    const codec2 = tupleOf(m);
    codec2[1] = 2;
    badManifest(encodeTuple(codec2));
    badManifest(encodeManifest({ ...m, bodyHash: new Uint8Array(31) }));
    badManifest(Uint8Array.of(...encodeManifest(m), 0));
    badManifest(encodeTuple(tupleOf(m).slice(0, 6)));
  });
});

describe("chunkCountOf / chunkRange", () => {
  it("count at least one chunk, and ranges cover the packed bytes exactly", () => {
    expect(chunkCountOf(0, 1024)).toBe(1);
    expect(chunkCountOf(1024, 1024)).toBe(1);
    expect(chunkCountOf(1025, 1024)).toBe(2);
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.integer({ min: 1024, max: 100_000 }),
        (packedLength, chunkSize) => {
          const count = chunkCountOf(packedLength, chunkSize);
          let next = 0;
          for (let i = 0; i < count; i++) {
            const [start, end] = chunkRange({ packedLength, chunkSize }, i);
            expect(start).toBe(next);
            expect(end - start).toBe(i < count - 1 ? chunkSize : packedLength - start);
            next = end;
          }
          expect(next).toBe(packedLength);
        },
      ),
    );
  });
});
