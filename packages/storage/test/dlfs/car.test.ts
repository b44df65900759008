import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes } from "@vshard/crypto";
import fc from "fast-check";
import { varint } from "multiformats";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { type CarBlock, decodeCar, defaultCarReadLimits, encodeCar } from "../../src/dlfs/car.ts";
import { cidOfBytes, cidToString } from "../../src/dlfs/cid.ts";
import { type DlfsError, isDlfsError } from "../../src/dlfs/dlfsError.ts";

interface CarVector {
  name: string;
  roots: string[];
  blocks: { cid: string; bytes: string }[];
  car: string;
}

/** Vectors written by @ipld/car's CarWriter (see `source` in the file). */
const vectors = (
  JSON.parse(readFileSync(new URL("./fixtures/carVectors.json", import.meta.url), "utf8")) as {
    vectors: CarVector[];
  }
).vectors;

const text = (s: string) => new TextEncoder().encode(s);
const blockOf = (bytes: Uint8Array): CarBlock => ({ cid: cidOfBytes(bytes), bytes });
const hexBlocks = (blocks: CarBlock[]) =>
  blocks.map((b) => ({ cid: bytesToHex(b.cid), bytes: bytesToHex(b.bytes) }));

/** The blocks a reader keeps: the first of each CID, in order. */
function dedup(blocks: CarBlock[]): CarBlock[] {
  const seen = new Set<string>();
  return blocks.filter((b) => !seen.has(bytesToHex(b.cid)) && seen.add(bytesToHex(b.cid)) !== undefined);
}

function concat(...parts: (number | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === "number" ? [p] : [...p])));
}

const withLength = (bytes: Uint8Array) =>
  concat(
    varint.encodeTo(bytes.length, new Uint8Array(9)).subarray(0, varint.encodingLength(bytes.length)),
    bytes,
  );

/** A CAR built by hand: a header (CBOR bytes) and sections (CID then data), each behind its varint length. */
const rawCar = (header: Uint8Array, ...sections: Uint8Array[]) =>
  concat(withLength(header), ...sections.map(withLength));

const ROOTS = concat(0x65, ...text("roots"));
const VERSION = concat(0x67, ...text("version"));
const link = (cid: Uint8Array) => concat(0xd8, 0x2a, 0x58, cid.length + 1, 0x00, cid);
const header = (roots: Uint8Array[], version = 1) =>
  concat(0xa2, ROOTS, 0x80 + roots.length, ...roots.map(link), VERSION, version);

const a = blockOf(text("block a"));
const b = blockOf(text("block b"));

function badCar(fn: () => unknown): DlfsError {
  try {
    fn();
  } catch (err) {
    if (isDlfsError(err, "DLFS_ERROR_BAD_CAR")) return err;
    throw err;
  }
  throw new Error("expected DLFS_ERROR_BAD_CAR, but nothing was thrown");
}

const contents = fc.uint8Array({ maxLength: 64 });
/** Roots and blocks, with repeats drawn from a small pool so that duplicates are common. */
const carInput = fc
  .record({
    roots: fc.array(contents, { minLength: 1, maxLength: 4 }),
    pool: fc.array(contents, { minLength: 1, maxLength: 6 }),
    picks: fc.array(fc.nat(), { maxLength: 12 }),
  })
  .map(({ roots, pool, picks }) => ({
    roots: roots.map(cidOfBytes),
    blocks: picks.map((i) => blockOf(pool[i % pool.length]!)),
  }));

describe("CAR v1 vectors written by @ipld/car", () => {
  for (const v of vectors) {
    it(`${v.name}: encodes to the same bytes and reads back`, () => {
      const roots = v.roots.map(hexToBytes);
      const blocks = v.blocks.map((x) => ({ cid: hexToBytes(x.cid), bytes: hexToBytes(x.bytes) }));
      expect(bytesToHex(encodeCar(roots, blocks))).toBe(v.car);
      const decoded = decodeCar(hexToBytes(v.car));
      expect(decoded.roots.map(bytesToHex)).toEqual(v.roots);
      expect(hexBlocks(decoded.blocks)).toEqual(hexBlocks(dedup(blocks)));
    });
  }
});

describe("encodeCar / decodeCar", () => {
  it("round-trips roots and blocks in order, keeping the first of duplicate blocks", () => {
    fc.assert(
      fc.property(carInput, ({ roots, blocks }) => {
        const decoded = decodeCar(encodeCar(roots, blocks));
        expect(decoded.roots.map(bytesToHex)).toEqual(roots.map(bytesToHex));
        expect(hexBlocks(decoded.blocks)).toEqual(hexBlocks(dedup(blocks)));
      }),
    );
  });

  it("refuses to write a CAR without roots or with a CID that is not raw sha2-256", () => {
    expect(badCar(() => encodeCar([], [a])).message).toMatch(/without roots/);
    expect(badCar(() => encodeCar([a.cid.subarray(1)], [a])).message).toMatch(/root 0: not a CID/);
    const dagCbor = CID.createV1(0x71, createDigest(0x12, a.cid.subarray(4))).bytes;
    const err = badCar(() => encodeCar([a.cid], [a, { cid: dagCbor, bytes: a.bytes }]));
    expect(err.message).toMatch(/block 1: CID bafy\w+ is not CIDv1 raw sha2-256/);
  });

  it("has default limits well above one body chunk", () => {
    expect(defaultCarReadLimits.maxBlockBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });
});

describe("decodeCar refuses tampered and malformed files", () => {
  const car = encodeCar([a.cid], [a, b]);

  it("a block with one byte flipped, naming its CID", () => {
    const tampered = car.slice();
    tampered[tampered.length - 1]! ^= 0x01;
    const err = badCar(() => decodeCar(tampered));
    expect(err.message).toMatch(/section 1 at offset \d+: block content does not match its CID/);
    expect(err.type.cid).toBe(cidToString(b.cid));
  });

  it("a tampered duplicate of a block already seen", () => {
    const bad = rawCar(header([a.cid]), concat(a.cid, a.bytes), concat(a.cid, text("block A")));
    expect(badCar(() => decodeCar(bad)).type.cid).toBe(cidToString(a.cid));
  });

  it("any one-byte change is refused unless it only changes the roots (which no hash covers)", () => {
    fc.assert(
      fc.property(carInput, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ roots, blocks }, at, mask) => {
        const good = encodeCar(roots, blocks);
        const tampered = good.slice();
        tampered[at % good.length]! ^= mask;
        try {
          const decoded = decodeCar(tampered);
          expect(decoded.roots.map(bytesToHex)).not.toEqual(roots.map(bytesToHex));
          expect(hexBlocks(decoded.blocks)).toEqual(hexBlocks(dedup(blocks)));
        } catch (err) {
          expect(isDlfsError(err, "DLFS_ERROR_BAD_CAR")).toBe(true);
        }
      }),
    );
  });

  it("every strict prefix either fails with BAD_CAR or ends on a section boundary and holds the blocks before it", () => {
    fc.assert(
      fc.property(carInput, ({ roots, blocks }) => {
        const full = encodeCar(roots, blocks);
        const headerEnd = encodeCar(roots, []).length;
        const ends = new Map<number, number>([[headerEnd, 0]]);
        blocks.reduce((end, block, i) => {
          const next = end + encodeCar(roots, [block]).length - headerEnd;
          ends.set(next, i + 1);
          return next;
        }, headerEnd);
        for (let k = 0; k < full.length; k++) {
          let decoded: ReturnType<typeof decodeCar>;
          try {
            decoded = decodeCar(full.subarray(0, k));
          } catch (err) {
            expect(isDlfsError(err, "DLFS_ERROR_BAD_CAR")).toBe(true);
            continue;
          }
          expect(ends.has(k)).toBe(true);
          expect(hexBlocks(decoded.blocks)).toEqual(hexBlocks(dedup(blocks.slice(0, ends.get(k)))));
        }
      }),
      { numRuns: 25 },
    );
  });

  it("random bytes, alone or after a valid header, fail only with BAD_CAR", () => {
    const validHeader = encodeCar([a.cid], []);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (noise, afterHeader) => {
        const input = afterHeader ? concat(validHeader, noise) : noise;
        try {
          decodeCar(input);
        } catch (err) {
          expect(isDlfsError(err, "DLFS_ERROR_BAD_CAR")).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a section whose length runs past the end, or whose length varint is cut", () => {
    const long = concat(
      withLength(header([a.cid])),
      varint.encodeTo(1000, new Uint8Array(2)),
      a.cid,
      a.bytes,
    );
    expect(badCar(() => decodeCar(long)).message).toMatch(
      /section 0 at offset \d+: length 1000 runs past the end of the file \(\d+ bytes left\)/,
    );
    const cut = concat(withLength(header([a.cid])), 0x80, 0x80);
    expect(badCar(() => decodeCar(cut)).message).toMatch(
      /section 0 at offset \d+: length varint runs past the end/,
    );
    const zeroPadded = concat(withLength(header([a.cid])), 0x80, 0x00);
    expect(badCar(() => decodeCar(zeroPadded)).message).toMatch(/not minimally encoded/);
  });

  it("a block over the size limit, and more blocks than the limit", () => {
    const err = badCar(() => decodeCar(car, { maxBlocks: 10, maxBlockBytes: a.bytes.length - 1 }));
    expect(err.message).toMatch(
      new RegExp(`is ${a.bytes.length} bytes, over the limit of ${a.bytes.length - 1}`),
    );
    expect(err.type.cid).toBe(cidToString(a.cid));
    expect(badCar(() => decodeCar(car, { maxBlocks: 1, maxBlockBytes: 100 })).message).toMatch(
      /more than 1 blocks/,
    );
  });

  it("CIDs that are not CIDv1 raw sha2-256, in a section or as a root", () => {
    const digest = createDigest(0x12, a.cid.subarray(4));
    const dagCbor = CID.createV1(0x71, digest);
    const v0 = CID.createV0(digest);
    const sectionAt = encodeCar([a.cid], []).length;
    const sha512 = CID.createV1(0x55, createDigest(0x13, new Uint8Array(64)));
    for (const cid of [dagCbor, v0, sha512]) {
      const err = badCar(() => decodeCar(rawCar(header([a.cid]), concat(cid.bytes, a.bytes))));
      expect(err.message).toBe(
        `CAR section 0 at offset ${sectionAt}: CID ${cid} is not CIDv1 raw sha2-256 (the only kind vshard writes or reads)`,
      );
      expect(err.type.cid).toBe(cid.toString());
    }
    const rootErr = badCar(() => decodeCar(rawCar(header([a.cid, dagCbor.bytes]))));
    expect(rootErr.message).toMatch(/CAR header root 1: CID bafy\w+ is not CIDv1 raw sha2-256/);
    expect(badCar(() => decodeCar(rawCar(header([a.cid]), concat(0x01, 0x55)))).message).toMatch(
      new RegExp(`section 0 at offset ${sectionAt}: does not start with a CID`),
    );
  });

  it("a header with version 2, including the CAR v2 pragma", () => {
    expect(badCar(() => decodeCar(rawCar(header([a.cid], 2)))).message).toBe(
      "CAR version 2 is not supported (only CAR v1)",
    );
    const v2Pragma = hexToBytes("0aa16776657273696f6e02");
    expect(badCar(() => decodeCar(v2Pragma)).message).toBe("CAR version 2 is not supported (only CAR v1)");
  });

  it("zero roots", () => {
    expect(badCar(() => decodeCar(rawCar(header([])))).message).toBe(
      "CAR header: zero roots; a vshard CAR names at least one",
    );
  });

  it("an empty file, or a header length of 0 or past the end", () => {
    expect(badCar(() => decodeCar(new Uint8Array())).message).toBe("CAR is empty");
    expect(badCar(() => decodeCar(concat(0x00))).message).toBe("CAR header length is 0");
    expect(badCar(() => decodeCar(concat(0x05, 0xa2))).message).toMatch(/header length 5 runs past the end/);
  });

  it("headers in any other form than CAR v1 writers produce", () => {
    const cases: [Uint8Array, RegExp][] = [
      [concat(header([a.cid]), 0x00), /1 trailing bytes after the header map/],
      [concat(0xbf, ROOTS, 0x80 + 1, link(a.cid), VERSION, 1, 0xff), /map: indefinite length is not allowed/],
      [concat(0xa2, ROOTS, 0x9f, link(a.cid), 0xff, VERSION, 1), /roots: indefinite length is not allowed/],
      [concat(0xa2, ROOTS, 0x98, 1, link(a.cid), VERSION, 1), /roots: not minimally encoded/],
      [concat(0xa3, ROOTS, 0x81, link(a.cid), VERSION, 1, 0x61, 0x78, 1), /map of 3 entries/],
      [concat(0xa2, 0x63, ...text("foo"), 0x80, VERSION, 1), /unexpected key "foo"/],
      [concat(0xa2, VERSION, 1, ROOTS, 0x81, link(a.cid)), /key "roots" repeated or out of order/],
      [concat(0xa1, ROOTS, 0x81, link(a.cid)), /CAR header: no version/],
      [concat(0xa1, VERSION, 1), /CAR header: no roots/],
      [concat(0x82, 0x01, 0x02), /map: expected map, found array/],
      [
        concat(0xa2, ROOTS, 0x81, 0xd8, 0x2b, 0x58, 0x25, 0x00, a.cid, VERSION, 1),
        /root 0 has tag 43, expected 42/,
      ],
      [
        concat(0xa2, ROOTS, 0x81, 0xd8, 0x2a, 0x58, 0x25, 0x01, a.cid, VERSION, 1),
        /root 0 lacks the 0x00 prefix/,
      ],
      [
        concat(0xa2, ROOTS, 0x81, link(a.cid), VERSION, 0x20),
        /version: expected unsigned integer, found negative/,
      ],
      [concat(0xa2, ROOTS, 0x81, link(a.cid), VERSION, 0xf5), /found simple value or float/],
    ];
    for (const [headerBytes, message] of cases) {
      expect(badCar(() => decodeCar(rawCar(headerBytes))).message).toMatch(message);
    }
  });
});
