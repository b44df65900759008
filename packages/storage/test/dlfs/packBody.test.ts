import { bytesEqual, SeededRandom, sha256 } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BodyManifest,
  chunkRange,
  decodeManifest,
  encodeManifest,
  MAX_CHUNK_SIZE,
} from "../../src/dlfs/manifest.ts";
import {
  bodyCidOf,
  checkDlfsLayout,
  type DlfsLayout,
  defaultDlfsLayout,
  packBody,
  unpackBody,
} from "../../src/dlfs/packBody.ts";
import { dlfsFailure } from "./dlfsFailure.ts";

const KIB = 1024;
/** Generous enough for every body these tests pack. */
const MAX_BODY = 1024 * KIB;

const layoutArb: fc.Arbitrary<DlfsLayout> = fc.record({
  codec: fc.constantFrom("zstd" as const, "none" as const),
  level: fc.integer({ min: 1, max: 9 }),
  chunkSize: fc.integer({ min: KIB, max: 64 * KIB }),
});
/** `length` bytes from a seeded PRNG: fast to make even at 200 KiB, and incompressible. */
function noise(seed: number, length: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const out = new Uint8Array(length + 3);
  for (let i = 0; i < length; i += 4) new DataView(out.buffer).setUint32(i, rng.nextUint32());
  return out.subarray(0, length);
}

/** Noise (incompressible) or a repeated noise pattern of 1..100 bytes (very compressible), up to 200 KiB. */
const bodyArb = fc
  .record({
    seed: fc.nat(),
    length: fc.oneof(fc.nat(64), fc.nat(200 * KIB)),
    period: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
  })
  .map(({ seed, length, period }) => {
    if (period === 0) return noise(seed, length);
    const unit = noise(seed, period);
    return Uint8Array.from({ length }, (_, i) => unit[i % period]);
  });
/** Bodies that pack into at least two chunks of 1 KiB whatever the codec: noise, so zstd cannot shrink them. */
const multiChunkBodyArb = fc
  .record({ seed: fc.nat(), length: fc.integer({ min: 3 * KIB, max: 40 * KIB }) })
  .map(({ seed, length }) => noise(seed, length));
const smallLayoutArb = layoutArb.map((l) => ({ ...l, chunkSize: KIB + (l.chunkSize % KIB) }));

/** A manifest with some fields changed, put through the codec so that it is one a reader could receive. */
function lyingManifest(m: BodyManifest, changes: Partial<BodyManifest>): BodyManifest {
  return decodeManifest(encodeManifest({ ...m, ...changes }));
}

describe("packBody / unpackBody", () => {
  it("unpack gives back the body, with chunks of the sizes the manifest says", () => {
    fc.assert(
      fc.property(bodyArb, layoutArb, (body, layout) => {
        const { manifest, manifestObject, chunks } = packBody(body, layout);
        expect(manifest.codec).toBe(layout.codec);
        expect(manifest.bodyLength).toBe(body.length);
        expect(manifest.bodyHash).toEqual(sha256(body));
        expect(manifest.chunkSize).toBe(layout.chunkSize);
        expect(chunks.map((c) => c.cid)).toEqual(manifest.chunks);
        expect(decodeManifest(manifestObject.bytes)).toEqual(manifest);
        chunks.forEach((c, i) => {
          const [start, end] = chunkRange(manifest, i);
          expect(c.bytes.length).toBe(end - start);
          if (i < chunks.length - 1) expect(c.bytes.length).toBe(layout.chunkSize);
        });
        expect(chunks.reduce((n, c) => n + c.bytes.length, 0)).toBe(manifest.packedLength);
        // bytesEqual, not toEqual: a deep compare of 200 KiB costs seconds.
        const back = unpackBody(
          manifest,
          chunks.map((c) => c.bytes),
          body.length,
        );
        expect(bytesEqual(back, body)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("packs an empty body into one empty chunk", () => {
    for (const codec of ["none", "zstd"] as const) {
      const { manifest, chunks } = packBody(new Uint8Array(0), { ...defaultDlfsLayout, codec });
      expect(chunks).toHaveLength(1);
      expect(manifest.chunks).toHaveLength(1);
      expect(chunks[0].bytes.length).toBe(manifest.packedLength);
      if (codec === "none") expect(manifest.packedLength).toBe(0);
      expect(
        unpackBody(
          manifest,
          chunks.map((c) => c.bytes),
          0,
        ),
      ).toEqual(new Uint8Array(0));
    }
  });

  it("compresses a repetitive body well below its length", () => {
    const body = new Uint8Array(100 * KIB).fill(7);
    const { manifest } = packBody(body, defaultDlfsLayout);
    expect(manifest.packedLength).toBeLessThan(KIB);
  });

  it("refuses a flipped byte in any chunk with DLFS_ERROR_CID_MISMATCH naming the chunk", () => {
    fc.assert(
      fc.property(multiChunkBodyArb, smallLayoutArb, fc.nat(), fc.nat(), (body, layout, which, at) => {
        const { manifest, chunks } = packBody(body, layout);
        const bytes = chunks.map((c) => Uint8Array.from(c.bytes));
        const i = which % bytes.length;
        bytes[i][at % bytes[i].length] ^= 0x01;
        const err = dlfsFailure(() => unpackBody(manifest, bytes, MAX_BODY));
        expect(err.code).toBe("DLFS_ERROR_CID_MISMATCH");
        expect(err.message).toContain(`chunk ${i}`);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses swapped chunks with DLFS_ERROR_CID_MISMATCH", () => {
    fc.assert(
      fc.property(multiChunkBodyArb, smallLayoutArb, (body, layout) => {
        const { manifest, chunks } = packBody(body, layout);
        const bytes = chunks.map((c) => c.bytes);
        expect(bytes.length).toBeGreaterThanOrEqual(2);
        [bytes[0], bytes[1]] = [bytes[1], bytes[0]];
        expect(dlfsFailure(() => unpackBody(manifest, bytes, MAX_BODY)).code).toBe("DLFS_ERROR_CID_MISMATCH");
      }),
      { numRuns: 30 },
    );
  });

  it("refuses a wrong number of chunks with DLFS_ERROR_BODY_MISMATCH", () => {
    const { manifest, chunks } = packBody(new Uint8Array(5 * KIB).fill(1), {
      ...defaultDlfsLayout,
      codec: "none",
      chunkSize: KIB,
    });
    const bytes = chunks.map((c) => c.bytes);
    expect(dlfsFailure(() => unpackBody(manifest, bytes.slice(1), MAX_BODY)).code).toBe(
      "DLFS_ERROR_BODY_MISMATCH",
    );
    expect(dlfsFailure(() => unpackBody(manifest, [...bytes, bytes[0]], MAX_BODY)).code).toBe(
      "DLFS_ERROR_BODY_MISMATCH",
    );
  });

  it("refuses a manifest lying about the body's length or hash with DLFS_ERROR_BODY_MISMATCH", () => {
    fc.assert(
      fc.property(bodyArb, layoutArb, fc.integer({ min: 1, max: 1000 }), (body, layout, delta) => {
        const { manifest, chunks } = packBody(body, layout);
        const bytes = chunks.map((c) => c.bytes);
        const wrongHash = lyingManifest(manifest, { bodyHash: sha256(manifest.bodyHash) });
        expect(dlfsFailure(() => unpackBody(wrongHash, bytes, MAX_BODY)).code).toBe(
          "DLFS_ERROR_BODY_MISMATCH",
        );
        // An uncompressed body's length is its packed length, which the chunks fix: only zstd can lie about it.
        if (layout.codec === "zstd") {
          const lengths = [body.length + delta, Math.max(0, body.length - delta)].filter(
            (n) => n !== body.length,
          );
          for (const bodyLength of lengths) {
            const wrongLength = lyingManifest(manifest, { bodyLength });
            expect(dlfsFailure(() => unpackBody(wrongLength, bytes, MAX_BODY)).code).toBe(
              "DLFS_ERROR_BODY_MISMATCH",
            );
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("refuses chunks that verify but do not decompress with DLFS_ERROR_BODY_MISMATCH", () => {
    const body = new Uint8Array(3000).map((_, i) => (i * 7919) % 251);
    const fake = packBody(body, { codec: "none", level: 1, chunkSize: KIB });
    // The same chunks described as zstd: every chunk matches its CID, but the joined bytes are not a zstd frame.
    const asZstd = lyingManifest(fake.manifest, { codec: "zstd" });
    const err = dlfsFailure(() =>
      unpackBody(
        asZstd,
        fake.chunks.map((c) => c.bytes),
        MAX_BODY,
      ),
    );
    expect(err.code).toBe("DLFS_ERROR_BODY_MISMATCH");
  });

  it("refuses a manifest whose body exceeds maxBodyBytes before looking at the chunks", () => {
    const body = new Uint8Array(10 * KIB).fill(3);
    const { manifest, chunks } = packBody(body, { ...defaultDlfsLayout, chunkSize: KIB });
    const bytes = chunks.map((c) => c.bytes);
    expect(unpackBody(manifest, bytes, body.length)).toEqual(body);
    expect(dlfsFailure(() => unpackBody(manifest, bytes, body.length - 1)).code).toBe(
      "DLFS_ERROR_BODY_MISMATCH",
    );
    // Chunks that match nothing: a CID or decompression check would fail differently, so the size check came first.
    const garbage = bytes.map((b) => new Uint8Array(b.length));
    const huge = lyingManifest(manifest, { bodyLength: 2 ** 40 });
    const err = dlfsFailure(() => unpackBody(huge, garbage, MAX_BODY));
    expect(err.code).toBe("DLFS_ERROR_BODY_MISMATCH");
    expect(err.message).toContain(`more than ${MAX_BODY}`);
  });
});

describe("bodyCidOf", () => {
  it("is deterministic, is the manifest's CID, and changes with the chunk size or the codec", () => {
    fc.assert(
      fc.property(bodyArb, layoutArb, fc.integer({ min: KIB, max: 64 * KIB }), (body, layout, otherSize) => {
        const cid = bodyCidOf(body, layout);
        expect(bodyCidOf(Uint8Array.from(body), { ...layout })).toEqual(cid);
        expect(packBody(body, layout).manifestObject.cid).toEqual(cid);
        if (otherSize !== layout.chunkSize)
          expect(bodyCidOf(body, { ...layout, chunkSize: otherSize })).not.toEqual(cid);
        const otherCodec = layout.codec === "zstd" ? "none" : "zstd";
        expect(bodyCidOf(body, { ...layout, codec: otherCodec })).not.toEqual(cid);
      }),
      { numRuns: 40 },
    );
  });

  it("changes with the body", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4 * KIB }), fc.nat(), (body, at) => {
        const other = Uint8Array.from(body);
        other[at % other.length] ^= 0x80;
        expect(bodyCidOf(other, defaultDlfsLayout)).not.toEqual(bodyCidOf(body, defaultDlfsLayout));
      }),
      { numRuns: 50 },
    );
  });
});

describe("checkDlfsLayout", () => {
  it("accepts the default layout and the bounds, and throws RangeError outside them", () => {
    expect(() => checkDlfsLayout(defaultDlfsLayout)).not.toThrow();
    expect(() => checkDlfsLayout({ ...defaultDlfsLayout, chunkSize: KIB })).not.toThrow();
    expect(() => checkDlfsLayout({ ...defaultDlfsLayout, chunkSize: MAX_CHUNK_SIZE })).not.toThrow();
    for (const chunkSize of [0, 1023, 4 * 1024 * KIB + 1, 1.5, -KIB, Number.NaN, 2000.5])
      expect(() => checkDlfsLayout({ ...defaultDlfsLayout, chunkSize })).toThrow(RangeError);
  });
});
