import { bytesEqual, concatBytes, sha256 } from "@vshard/crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as zstd from "zstd-napi";
import { cidOfBytes } from "../../src/dlfs/cid.ts";
import { DlfsError } from "../../src/dlfs/dlfsError.ts";
import { type BodyManifest, decodeManifest, encodeManifest } from "../../src/dlfs/manifest.ts";
import { unpackBody } from "../../src/dlfs/packBody.ts";
import { compressBody } from "../../src/ledgerRecords.ts";

// Watches zstd's decompress so that a test can tell a frame refused from its header from one refused after inflating.
vi.mock("zstd-napi", async (importOriginal) => {
  const actual = await importOriginal<typeof import("zstd-napi")>();
  return { ...actual, decompress: vi.fn(actual.decompress) };
});

const KIB = 1024;
const MIB = 1024 * KIB;
const MAX_BODY = MIB;
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * A zstd frame built by hand (RFC 8878) from `blocks` RLE blocks of `blockSize` copies of `byte`: 4 bytes per block
 * whatever its size, so 16 KiB of frame can inflate to 512 MiB. `declared` is the content size its header states
 * (8-byte field), or null for a header without one. Window 128 KiB, the largest block size.
 */
function rleFrame(blocks: number, blockSize: number, declared: number | null, byte = 0): Uint8Array {
  const out = [...ZSTD_MAGIC];
  // Frame header descriptor: content size field flag 3 (8 bytes) or 0 (absent); window descriptor 2^17.
  out.push(declared === null ? 0x00 : 0xc0, 0x38);
  if (declared !== null) {
    let v = BigInt(declared);
    for (let i = 0; i < 8; i++, v >>= 8n) out.push(Number(v & 0xffn));
  }
  for (let i = 0; i < blocks; i++) {
    // Block header: last-block bit, block type 1 (RLE), the size it regenerates; then the byte to repeat.
    const h = (blockSize << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    out.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, byte);
  }
  return Uint8Array.from(out);
}

/** A manifest (through the codec, as a reader would receive it) and chunks for some packed bytes, all verifying. */
function described(
  packed: Uint8Array,
  bodyLength: number,
  bodyHash: Uint8Array,
): { manifest: BodyManifest; chunks: Uint8Array[] } {
  const chunkSize = 4 * KIB;
  const chunks: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < packed.length; at += chunkSize)
    chunks.push(packed.subarray(at, Math.min(at + chunkSize, packed.length)));
  const manifest: BodyManifest = {
    codec: "zstd",
    bodyLength,
    bodyHash,
    packedLength: packed.length,
    chunkSize,
    chunks: chunks.map(cidOfBytes),
  };
  return { manifest: decodeManifest(encodeManifest(manifest)), chunks };
}

function bodyMismatch(fn: () => unknown): DlfsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DlfsError);
    expect((err as DlfsError).code).toBe("DLFS_ERROR_BODY_MISMATCH");
    return err as DlfsError;
  }
  throw new Error("expected DLFS_ERROR_BODY_MISMATCH, the body unpacked");
}

/** Unpacks packed bytes described as `body`, expecting BODY_MISMATCH before zstd inflated anything. */
function refusedUninflated(packed: Uint8Array, body: Uint8Array, bodyLength = body.length): DlfsError {
  const { manifest, chunks } = described(packed, bodyLength, sha256(body));
  const started = performance.now();
  const err = bodyMismatch(() => unpackBody(manifest, chunks, MAX_BODY));
  expect(performance.now() - started).toBeLessThan(1000);
  expect(zstd.decompress).not.toHaveBeenCalled();
  return err;
}

beforeEach(() => {
  vi.mocked(zstd.decompress).mockClear();
});

describe("unpackBody and the zstd frame", () => {
  it("unpacks a hand-built RLE frame that declares its true size (the builder makes valid frames)", () => {
    const body = new Uint8Array(8 * KIB).fill(7);
    const { manifest, chunks } = described(rleFrame(8, KIB, body.length, 7), body.length, sha256(body));
    expect(bytesEqual(unpackBody(manifest, chunks, MAX_BODY), body)).toBe(true);
    expect(zstd.decompress).toHaveBeenCalledTimes(1);
  });

  it("refuses a 16 KiB frame inflating to 512 MiB under a small bodyLength, from its header alone", () => {
    const bomb = rleFrame(4096, 128 * KIB, 512 * MIB);
    expect(bomb.length).toBeLessThan(16 * KIB + 32);
    const small = new Uint8Array(1000);
    expect(refusedUninflated(bomb, small).message).toContain(`declares ${512 * MIB}`);
    // Even a manifest claiming the largest body allowed is far from what the frame declares.
    const err = refusedUninflated(bomb, new Uint8Array(MAX_BODY));
    expect(err.message).toContain(`expected ${MAX_BODY}`);
  });

  it("refuses 64 MiB of zeros compressed by zstd itself under a small bodyLength", () => {
    const bomb = compressBody(new Uint8Array(64 * MIB), 19);
    expect(bomb.length).toBeLessThan(4 * KIB);
    expect(refusedUninflated(bomb, new Uint8Array(100)).message).toContain(`declares ${64 * MIB}`);
  });

  it("refuses a frame that declares no content size, even one holding the right body", () => {
    const body = new Uint8Array(5000).map((_, i) => i % 13);
    const honest = zstd.compress(body, { compressionLevel: 3, contentSizeFlag: false });
    expect(bytesEqual(zstd.decompress(honest), body)).toBe(true);
    vi.mocked(zstd.decompress).mockClear();
    expect(refusedUninflated(honest, body).message).toContain("declares no content size");
    // The same with nothing to bound it: 512 MiB from a header that states no size.
    refusedUninflated(rleFrame(4096, 128 * KIB, null), new Uint8Array(1000));
  });

  it("refuses two frames joined, even when together they hold the right body", () => {
    const a = new Uint8Array(3000).fill(1);
    const b = new Uint8Array(2000).fill(2);
    const joined = concatBytes(compressBody(a, 3), compressBody(b, 3));
    // zstd itself would inflate both frames, one after the other, into the right body.
    expect(bytesEqual(zstd.decompress(joined), concatBytes(a, b))).toBe(true);
    vi.mocked(zstd.decompress).mockClear();
    expect(refusedUninflated(joined, concatBytes(a, b)).message).toContain("not exactly one zstd frame");
    // A frame then a bomb: the first frame's header is honest, what follows is not looked at.
    refusedUninflated(concatBytes(compressBody(a, 3), rleFrame(4096, 128 * KIB, 512 * MIB)), a);
  });

  it("refuses a frame with trailing bytes, a skippable frame before it, and a truncated frame", () => {
    const body = new Uint8Array(4000).map((_, i) => (i * 31) % 7);
    const frame = compressBody(body, 3);
    refusedUninflated(concatBytes(frame, Uint8Array.of(0)), body);
    // A skippable frame (magic 0x184D2A50, 4-byte length, payload): zstd would skip it, we take one frame only.
    const skippable = Uint8Array.of(0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9);
    refusedUninflated(concatBytes(skippable, frame), body);
    refusedUninflated(frame.subarray(0, frame.length - 1), body);
    refusedUninflated(Uint8Array.of(...ZSTD_MAGIC), body);
    refusedUninflated(new Uint8Array(0), body);
  });

  it("refuses a frame whose blocks regenerate more or less than it declares", () => {
    const body = new Uint8Array(8 * KIB).fill(7);
    for (const blocks of [9, 7]) {
      const { manifest, chunks } = described(
        rleFrame(blocks, KIB, body.length, 7),
        body.length,
        sha256(body),
      );
      bodyMismatch(() => unpackBody(manifest, chunks, MAX_BODY));
    }
  });
});
