import fc from "fast-check";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256, sha512 } from "multiformats/hashes/sha2";
import { describe, expect, it } from "vitest";
import {
  CID_LENGTH,
  cidFromString,
  cidMatches,
  cidOfBytes,
  cidToString,
  expectCidMatch,
  parseCid,
} from "../../src/dlfs/cid.ts";
import { isDlfsError } from "../../src/dlfs/dlfsError.ts";
import { dlfsFailure } from "./dlfsFailure.ts";

/** The multicodec code of dag-cbor. */
const DAG_CBOR = 0x71;
const text = (s: string) => new TextEncoder().encode(s);

describe("cidOfBytes", () => {
  it("gives what multiformats' own CID.createV1(raw, sha256) gives", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const expected = CID.createV1(raw.code, await sha256.digest(bytes));
        const cid = cidOfBytes(bytes);
        expect(cid).toEqual(expected.bytes);
        expect(cid.length).toBe(CID_LENGTH);
      }),
    );
  });

  it("gives the IPFS raw empty block's CID for the empty byte string", () => {
    expect(cidToString(cidOfBytes(new Uint8Array(0)))).toBe(
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
    );
  });
});

describe("cidToString / cidFromString", () => {
  it("round trip, and print the base32 bafkrei… form", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const cid = cidOfBytes(bytes);
        const s = cidToString(cid);
        expect(s.startsWith("bafkrei")).toBe(true);
        expect(cidFromString(s)).toEqual(cid);
      }),
    );
  });

  it("cidFromString refuses text that is not a CID, and CIDs of another kind, with DLFS_ERROR_BAD_CID", async () => {
    expect(dlfsFailure(() => cidFromString("not a cid")).code).toBe("DLFS_ERROR_BAD_CID");
    expect(dlfsFailure(() => cidFromString("")).code).toBe("DLFS_ERROR_BAD_CID");
    const v0 = CID.createV0(await sha256.digest(text("x"))).toString();
    expect(v0.startsWith("Qm")).toBe(true);
    expect(dlfsFailure(() => cidFromString(v0)).code).toBe("DLFS_ERROR_BAD_CID");
    const cbor = CID.createV1(DAG_CBOR, await sha256.digest(text("x"))).toString();
    const err = dlfsFailure(() => cidFromString(cbor));
    expect(err.code).toBe("DLFS_ERROR_BAD_CID");
    expect(err.type.cid).toBe(cbor);
  });
});

describe("parseCid", () => {
  it("accepts a CIDv1 raw sha2-256", () => {
    const cid = parseCid(cidOfBytes(text("hello")));
    expect(cid.version).toBe(1);
    expect(cid.code).toBe(raw.code);
    expect(cid.multihash.code).toBe(sha256.code);
  });

  it("refuses a CIDv0, a dag-cbor CID and a sha2-512 CID with DLFS_ERROR_BAD_CID naming the CID", async () => {
    const others = [
      CID.createV0(await sha256.digest(text("x"))),
      CID.createV1(DAG_CBOR, await sha256.digest(text("x"))),
      CID.createV1(raw.code, await sha512.digest(text("x"))),
    ];
    for (const other of others) {
      const err = dlfsFailure(() => parseCid(other.bytes));
      expect(err.code).toBe("DLFS_ERROR_BAD_CID");
      expect(err.type.cid).toBe(other.toString());
    }
  });

  it("refuses a truncated CID and one with trailing bytes", () => {
    const cid = cidOfBytes(text("x"));
    expect(dlfsFailure(() => parseCid(cid.subarray(0, 35))).code).toBe("DLFS_ERROR_BAD_CID");
    expect(dlfsFailure(() => parseCid(Uint8Array.of(...cid, 0))).code).toBe("DLFS_ERROR_BAD_CID");
    expect(dlfsFailure(() => parseCid(new Uint8Array(0))).code).toBe("DLFS_ERROR_BAD_CID");
  });

  it("refuses random bytes with DLFS_ERROR_BAD_CID, never another error type", () => {
    const nearCid = fc
      .tuple(fc.constantFrom(0x00, 0x01, 0x02, 0x12), fc.uint8Array({ maxLength: 40 }))
      .map(([head, rest]) => Uint8Array.of(head, ...rest));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), nearCid), (bytes) => {
        let cid: CID | undefined;
        try {
          cid = parseCid(bytes);
        } catch (err) {
          expect(isDlfsError(err, "DLFS_ERROR_BAD_CID")).toBe(true);
        }
        // Random bytes may by chance be a well-formed CIDv1 raw sha2-256; then they are exactly that.
        if (cid !== undefined) expect(cid.bytes).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("cidMatches / expectCidMatch", () => {
  it("is true for the content, false when any one byte is flipped", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 1024 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, mask) => {
          const cid = cidOfBytes(bytes);
          expect(cidMatches(cid, bytes)).toBe(true);
          const damaged = Uint8Array.from(bytes);
          damaged[at % damaged.length] ^= mask;
          expect(cidMatches(cid, damaged)).toBe(false);
          // The CID flipped instead of the content: also no match.
          const badCid = Uint8Array.from(cid);
          badCid[4 + (at % 32)] ^= mask;
          expect(cidMatches(badCid, bytes)).toBe(false);
        },
      ),
    );
  });

  it("is false for a CID of another kind over the same content", async () => {
    const bytes = text("x");
    const cbor = CID.createV1(DAG_CBOR, await sha256.digest(bytes)).bytes;
    expect(cidMatches(cbor, bytes)).toBe(false);
    expect(cidMatches(new Uint8Array(0), bytes)).toBe(false);
  });

  it("expectCidMatch throws DLFS_ERROR_CID_MISMATCH naming the CID, or hex when it is not a CID", () => {
    const cid = cidOfBytes(text("a"));
    expect(() => expectCidMatch(cid, text("a"), "chunk")).not.toThrow();
    const err = dlfsFailure(() => expectCidMatch(cid, text("b"), "chunk"));
    expect(err.code).toBe("DLFS_ERROR_CID_MISMATCH");
    expect(err.type.cid).toBe(cidToString(cid));
    expect(err.message).toContain("chunk");
    expect(dlfsFailure(() => expectCidMatch(Uint8Array.of(0xab, 0xcd), text("a"), "x")).type.cid).toBe(
      "abcd",
    );
  });
});
