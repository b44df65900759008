import {
  bytesToHex,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  SingleThreadVerifier,
  sha256,
} from "@vshard/crypto";
import {
  defaultChainOptions,
  type Genesis,
  genesisFromJson,
  nullLogger,
  ShardChain,
  systemClock,
} from "@vshard/engine";
import {
  type BodyManifest,
  type CarBlock,
  cidOfBytes,
  DlfsError,
  type DlfsErrorCode,
  decodeCar,
  decodeManifest,
  defaultDlfsLayout,
  encodeCar,
  encodeManifest,
  LedgerDb,
  MemoryKvStore,
  packBody,
} from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  type Block,
  CodecError,
  encodeBody,
  encodeHeader,
  encodeTuple,
  type Header,
  headerHash,
  signTx,
  TxKind,
} from "@vshard/types";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CarExportError, type CarSource, encodeCarIndex, exportCar } from "../../src/dlfs/carExport.ts";
import { MAX_IMPORT_BODY_BYTES, readCarBlocks } from "../../src/dlfs/carImport.ts";
import { ImportError } from "../../src/dlfs/importError.ts";
import { ChainRuntime } from "../../src/runtime/chainRuntime.ts";

const key = (name: string) => ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`car-test/${name}`)));
const authority = key("authority");
const users = [0, 1, 2, 3].map((i) => key(`user-${i}`));
/** 1 KiB chunks: a body of a few transfers spans several chunks. */
const opts = {
  ...defaultChainOptions,
  chainId: 1,
  shard: 0,
  dlfs: { ...defaultDlfsLayout, chunkSize: 1024 },
};
const genesis: Genesis = genesisFromJson({
  chainId: 1,
  shard: 0,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: users.map((k) => ({
    address: addressToText(addressFromPublicKey(k.publicKey)),
    balance: "100000",
  })),
});
const solo = { epoch: 0, members: [{ publicKey: authority.publicKey, weight: 1 }] };

/** A chain of `txCounts.length` blocks signed by the solo authority; block h holds `txCounts[h-1]` transfers. */
async function buildChain(txCounts: number[], amount = 1n): Promise<ShardChain> {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  const chain = await ShardChain.create(opts, genesis, { db, verifier: new SingleThreadVerifier() });
  const nonces = users.map(() => 0);
  for (const [i, count] of txCounts.entries()) {
    const txs = Array.from({ length: count }, (_, j) => {
      const from = j % users.length;
      const to = addressFromPublicKey(users[(from + 1) % users.length].publicKey);
      const tx = {
        chainId: 1,
        shard: 0,
        kind: TxKind.Transfer as const,
        sender: users[from].publicKey,
        nonce: nonces[from]++,
        fee: 1n,
        payload: { to, amount },
      };
      return signTx(tx, users[from].secretKey);
    });
    expect((await chain.submitTxs(txs)).every((r) => r.ok)).toBe(true);
    const assembled = await chain.prepareProposal({
      proposer: authority.publicKey,
      time: 2_000 + i,
      epoch: 0,
    });
    expect(assembled.block.txs).toHaveLength(count);
    signHeader(assembled.block.header);
    await chain.commitBlock(assembled);
  }
  return chain;
}

function signHeader(h: Header): Header {
  h.certificate = ed25519Sign(headerHash(h), authority.secretKey);
  return h;
}

/** A runtime of the same chain, not started, following the solo `signer`. */
async function freshRuntime(signer = solo): Promise<ChainRuntime> {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  return ChainRuntime.create(
    {
      chain: opts,
      genesis,
      consensus: { name: "solo", params: {} },
      committee: signer,
      keys: key("follower"),
    },
    { db, verifier: new SingleThreadVerifier(), transport: null, clock: systemClock, logger: nullLogger },
  );
}

async function blocksOf(chain: ShardChain, from: number, to: number): Promise<Block[]> {
  const out: Block[] = [];
  for (let h = from; h <= to; h++) out.push((await chain.getBlock(h)) as Block);
  return out;
}

/** One block's CAR objects, made the way the exporter makes them (or from a tampered header or body). */
interface Part {
  header: Header;
  manifest: CarBlock;
  chunks: CarBlock[];
}

function partOf(block: Block, bodyBytes = encodeBody(block.txs)): Part {
  const packed = packBody(bodyBytes, opts.dlfs);
  return { header: { ...block.header }, manifest: packed.manifestObject, chunks: packed.chunks };
}

/**
 * A CAR of `parts` (blocks 1, 2, … in that order) laid out as the exporter lays it out, each object once; `roots`
 * replaces the index root, `drop` leaves objects out, `extra` adds some.
 */
function carOf(
  parts: Part[],
  over: { roots?: Uint8Array[]; drop?: (cid: Uint8Array) => boolean; extra?: CarBlock[] } = {},
): Uint8Array {
  const headers = parts.map((p) => ({
    cid: cidOfBytes(encodeHeader(p.header)),
    bytes: encodeHeader(p.header),
  }));
  const index = encodeCarIndex({
    chainId: 1,
    shard: 0,
    from: 1,
    to: parts.length,
    headerCids: headers.map((h) => h.cid),
  });
  const indexObject = { cid: cidOfBytes(index), bytes: index };
  const objects = [indexObject, ...parts.flatMap((p, i) => [headers[i], p.manifest, ...p.chunks])];
  const seen = new Set<string>();
  const kept = objects.filter((o) => {
    const hex = bytesToHex(o.cid);
    if (seen.has(hex) || over.drop?.(o.cid)) return false;
    seen.add(hex);
    return true;
  });
  return encodeCar(over.roots ?? [indexObject.cid], [...kept, ...(over.extra ?? [])]);
}

/** Asserts that reading `bytes` throws a DlfsError with `code` and a message matching `message`. */
function expectRefused(
  code: DlfsErrorCode,
  message: RegExp,
  bytes: Uint8Array,
  expected?: { chainId: number; shard: number },
): void {
  let thrown: unknown;
  try {
    readCarBlocks(bytes, expected);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(DlfsError);
  expect((thrown as DlfsError).code).toBe(code);
  expect((thrown as DlfsError).message).toMatch(message);
}

let chain: ShardChain;
let parts: Part[];

beforeAll(async () => {
  // Blocks 4 and 5 are empty: they share one manifest and one chunk.
  chain = await buildChain([12, 3, 20, 0, 0, 6]);
  parts = (await blocksOf(chain, 1, 6)).map((b) => partOf(b));
});

describe("exportCar", () => {
  it("writes the index root, then each block's header, manifest and chunks, every object once", async () => {
    const bytes = await exportCar(chain, 1, 6);
    const { roots, blocks } = decodeCar(bytes);
    expect(roots).toHaveLength(1);
    expect(bytesToHex(blocks[0].cid)).toBe(bytesToHex(roots[0]));
    expect(bytesToHex(blocks[1].bytes)).toBe(bytesToHex(encodeHeader(parts[0].header)));
    expect(bytesToHex(blocks[2].cid)).toBe(bytesToHex(parts[0].header.bodyCid));
    const distinct = new Set(
      parts.flatMap((p) => [p.header.bodyCid, ...p.chunks.map((c) => c.cid)].map(bytesToHex)),
    );
    expect(parts[0].chunks.length).toBeGreaterThan(1);
    expect(blocks).toHaveLength(1 + parts.length + distinct.size);
    expect(bytes).toEqual(carOf(parts));
  });

  it("round-trips through readCarBlocks: the chain's blocks, certificates included", async () => {
    const read = readCarBlocks(await exportCar(chain, 2, 5), { chainId: 1, shard: 0 });
    expect(read).toEqual(await blocksOf(chain, 2, 5));
  });

  it("refuses bad ranges with CAR_EXPORT_ERROR_BAD_RANGE", async () => {
    const tall: CarSource = {
      opts,
      head: () => ({ ...chain.head(), height: 5_000 }),
      getBlock: () => chain.getBlock(1),
    };
    const cases: Array<[CarSource, number, number, RegExp]> = [
      [chain, 0, 2, /at least 1/],
      [chain, 3, 2, /below from/],
      [chain, 2, 7, /above the committed head \(6\)/],
      [chain, 1.5, 2, /integers/],
      [tall, 1, 1_001, /at most 1000/],
    ];
    for (const [source, from, to, message] of cases) {
      const err = await exportCar(source, from, to).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CarExportError);
      expect((err as CarExportError).code).toBe("CAR_EXPORT_ERROR_BAD_RANGE");
      expect((err as Error).message).toMatch(message);
    }
  });

  it("refuses to export when this node's DLFS layout does not give the headers' body CIDs", async () => {
    const other: CarSource = {
      opts: { ...opts, dlfs: { ...opts.dlfs, chunkSize: 2048 } },
      head: () => chain.head(),
      getBlock: (h) => chain.getBlock(h),
    };
    const err = await exportCar(other, 1, 1).catch((e: unknown) => e);
    expect((err as CarExportError).code).toBe("CAR_EXPORT_ERROR_LAYOUT_MISMATCH");
    expect((err as Error).message).toMatch(/layout does not match/);
  });
});

describe("readCarBlocks refuses", () => {
  /** The parts with block i's header changed (its CID, hence the index, follows). */
  const tampered = (i: number, change: (h: Header) => void): Part[] =>
    parts.map((p, j) => {
      if (j !== i) return p;
      const header = { ...p.header };
      change(header);
      return { ...p, header };
    });

  it("bytes that are not a CAR, and a CAR without exactly one root", () => {
    expectRefused("DLFS_ERROR_BAD_CAR", /CAR header/, new TextEncoder().encode("not a car"));
    const two = carOf(parts, {
      roots: [cidOfBytes(encodeHeader(parts[0].header)), cidOfBytes(Uint8Array.of(1))],
    });
    expectRefused("DLFS_ERROR_BAD_CAR", /exactly one root.*has 2/, two);
  });

  it("a root that is not a vshard index", () => {
    expectRefused(
      "DLFS_ERROR_BAD_CAR",
      /not a vshard CAR index/,
      carOf(parts, { roots: [parts[0].manifest.cid] }),
    );
    const foreign = (index: unknown[]) => {
      const bytes = encodeTuple(index);
      return encodeCar([cidOfBytes(bytes)], [{ cid: cidOfBytes(bytes), bytes }]);
    };
    const headers = [cidOfBytes(encodeHeader(parts[0].header))];
    expectRefused("DLFS_ERROR_BAD_CAR", /tag "other\/car"/, foreign(["other/car", 1, 1, 0, 1, 1, headers]));
    expectRefused("DLFS_ERROR_BAD_CAR", /version 2/, foreign(["vshard/car", 2, 1, 0, 1, 1, headers]));
    expectRefused("DLFS_ERROR_BAD_CAR", /1 ≤ from ≤ to/, foreign(["vshard/car", 1, 1, 0, 0, 0, headers]));
    expectRefused(
      "DLFS_ERROR_BAD_CAR",
      /lists 1 headers for heights 1..2/,
      foreign(["vshard/car", 1, 1, 0, 1, 2, headers]),
    );
    expectRefused("DLFS_ERROR_BAD_CAR", /1001 blocks/, foreign(["vshard/car", 1, 1, 0, 1, 1_001, headers]));
  });

  it("a missing header, manifest or chunk, and a file cut between two sections", () => {
    const header2 = cidOfBytes(encodeHeader(parts[1].header));
    const cases: Array<[Uint8Array, RegExp]> = [
      [header2, /the header of block 2 .* is missing/],
      [parts[2].manifest.cid, /the body manifest of block 3 .* is missing/],
      [parts[0].chunks[1].cid, /chunk 1 of the body of block 1 .* is missing/],
    ];
    for (const [cid, message] of cases)
      expectRefused(
        "DLFS_ERROR_BAD_CAR",
        message,
        carOf(parts, { drop: (c) => bytesToHex(c) === bytesToHex(cid) }),
      );
    const full = carOf(parts);
    const last = parts[5].chunks[parts[5].chunks.length - 1];
    const section = last.cid.length + last.bytes.length;
    const cut = full.subarray(0, full.length - (section < 128 ? 1 : 2) - section);
    expect(decodeCar(cut).blocks.length).toBe(decodeCar(full).blocks.length - 1);
    expectRefused("DLFS_ERROR_BAD_CAR", /block 6 .* is missing/, cut);
  });

  it("blocks of another chain shard than expected or than the index names", () => {
    expectRefused("DLFS_ERROR_BAD_CAR", /chain 1 shard 0, expected chain 2 shard 0/, carOf(parts), {
      chainId: 2,
      shard: 0,
    });
    const other = tampered(1, (h) => {
      h.chainId = 2;
    });
    expectRefused(
      "DLFS_ERROR_BAD_CAR",
      /block 2: header of chain 2 shard 0 in a CAR of chain 1 shard 0/,
      carOf(other),
    );
  });

  it("headers out of order and broken parent links", () => {
    const swapped = [parts[1], parts[0], ...parts.slice(2)];
    expectRefused(
      "DLFS_ERROR_BAD_CAR",
      /header of height 2 at height 1 \(headers out of order\)/,
      carOf(swapped),
    );
    const broken = tampered(2, (h) => {
      h.parentHash = new Uint8Array(32);
    });
    expectRefused(
      "DLFS_ERROR_BAD_CAR",
      /block 3: its parent hash 0+ is not the hash of block 2/,
      carOf(broken),
    );
  });

  it("a manifest that does not decode", () => {
    const garbage = { cid: cidOfBytes(Uint8Array.of(1, 2, 3)), bytes: Uint8Array.of(1, 2, 3) };
    const bad = tampered(5, (h) => {
      h.bodyCid = garbage.cid;
    });
    expectRefused("DLFS_ERROR_BAD_MANIFEST", /block 6: bad body manifest/, carOf(bad, { extra: [garbage] }));
  });

  it("a body that does not unpack, does not decode, is too large, or does not match the tx root", () => {
    /** A one-block CAR of block 1 with another body manifest and chunks. */
    const withBody = (manifest: CarBlock, chunks: CarBlock[]): Uint8Array =>
      carOf([{ header: { ...parts[0].header, bodyCid: manifest.cid }, manifest, chunks }]);
    const manifestObject = (m: BodyManifest) => ({
      cid: cidOfBytes(encodeManifest(m)),
      bytes: encodeManifest(m),
    });
    const manifest = decodeManifest(parts[0].manifest.bytes);
    // Same lengths and hash, other chunk bytes: every object verifies, the body does not.
    const noise = parts[0].chunks.map((c) => {
      const bytes = c.bytes.map((b) => b ^ 0x5a);
      return { cid: cidOfBytes(bytes), bytes };
    });
    const noisy = manifestObject({ ...manifest, chunks: noise.map((c) => c.cid) });
    expectRefused("DLFS_ERROR_BODY_MISMATCH", /block 1: body does not unpack/, withBody(noisy, noise));
    const junk = packBody(Uint8Array.of(0xc1, 0xc1), opts.dlfs);
    expectRefused(
      "DLFS_ERROR_BODY_MISMATCH",
      /block 1: the body does not decode/,
      withBody(junk.manifestObject, junk.chunks),
    );
    const huge = manifestObject({ ...manifest, bodyLength: MAX_IMPORT_BODY_BYTES + 1 });
    expectRefused("DLFS_ERROR_BODY_MISMATCH", /more than the 16777216/, withBody(huge, parts[0].chunks));
    const rooted = tampered(5, (h) => {
      h.txRoot = new Uint8Array(32);
    });
    expectRefused("DLFS_ERROR_BODY_MISMATCH", /block 6: the body's tx root does not match/, carOf(rooted));
  });

  it("any single flipped byte of the file, before any block is applied", async () => {
    const bytes = await exportCar(chain, 1, 3);
    const runtime = await freshRuntime();
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const copy = Uint8Array.from(bytes);
        copy[at] ^= mask;
        const err = await (async () =>
          runtime.importBlocks(readCarBlocks(copy, { chainId: 1, shard: 0 })))().catch((e: unknown) => e);
        expect(err instanceof DlfsError || err instanceof CodecError).toBe(true);
        expect(runtime.chain.head().height).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ChainRuntime.importBlocks", () => {
  /** Imports and returns the ImportError it throws (fails the test if it does not throw one). */
  async function importError(runtime: ChainRuntime, blocks: Block[]): Promise<ImportError> {
    const err = await runtime.importBlocks(blocks).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }

  it("commits a verified CAR on a fresh chain: same head, state root and accounts; a second import is known", async () => {
    const runtime = await freshRuntime();
    const blocks = readCarBlocks(await exportCar(chain, 1, 6), { chainId: 1, shard: 0 });
    expect(await runtime.importBlocks(blocks)).toEqual({ applied: 6, known: 0 });
    expect(runtime.chain.head()).toEqual(chain.head());
    expect(runtime.chain.finalizedHeight()).toBe(6);
    const addresses = users.map((u) => addressFromPublicKey(u.publicKey));
    expect(await runtime.chain.getAccounts(addresses)).toEqual(await chain.getAccounts(addresses));
    expect(await runtime.importBlocks(blocks)).toEqual({ applied: 0, known: 6 });
  });

  it("counts the overlap with the committed chain as known and applies the rest", async () => {
    const runtime = await freshRuntime();
    expect(await runtime.importBlocks(await blocksOf(chain, 1, 2))).toEqual({ applied: 2, known: 0 });
    expect(await runtime.importBlocks(await blocksOf(chain, 1, 4))).toEqual({ applied: 2, known: 2 });
    expect(runtime.chain.head().height).toBe(4);
  });

  it("refuses blocks that conflict with the committed chain, and a gap", async () => {
    const runtime = await freshRuntime();
    await runtime.importBlocks(await blocksOf(chain, 1, 2));
    const other = await buildChain([2, 2, 2], 7n);
    const conflict = await importError(runtime, await blocksOf(other, 1, 3));
    expect(conflict.code).toBe("IMPORT_ERROR_CONFLICT");
    expect(conflict.message).toMatch(/^block 1: [0-9a-f]{64} conflicts with the committed chain/);
    const fork = await importError(runtime, await blocksOf(other, 3, 3));
    expect(fork.code).toBe("IMPORT_ERROR_CONFLICT");
    expect(fork.message).toMatch(/block 3: its parent .* is not the committed head 2/);
    const gap = await importError(runtime, await blocksOf(chain, 4, 5));
    expect(gap.code).toBe("IMPORT_ERROR_GAP");
    expect(gap.message).toMatch(/block 4: the committed head is 2/);
    const holes = await importError(runtime, [
      ...(await blocksOf(chain, 3, 3)),
      ...(await blocksOf(chain, 5, 5)),
    ]);
    expect(holes.code).toBe("IMPORT_ERROR_GAP");
    expect(runtime.chain.head().height).toBe(2);
  });

  it("checks every certificate before applying any block", async () => {
    const stranger = await freshRuntime({
      epoch: 0,
      members: [{ publicKey: users[0].publicKey, weight: 1 }],
    });
    const err = await importError(stranger, await blocksOf(chain, 1, 3));
    expect(err.code).toBe("IMPORT_ERROR_BAD_CERTIFICATE");
    expect(err.message).toBe("block 1: its certificate does not verify");
    const runtime = await freshRuntime();
    const blocks = await blocksOf(chain, 1, 3);
    blocks[2] = { ...blocks[2], header: { ...blocks[2].header, certificate: new Uint8Array(64) } };
    const late = await importError(runtime, blocks);
    expect(late.code).toBe("IMPORT_ERROR_BAD_CERTIFICATE");
    expect(late.type).toMatchObject({ height: 3, applied: 0 });
    expect(runtime.chain.head().height).toBe(0);
  });

  it("refuses a certified block that does not re-execute to its header, keeping the blocks before it", async () => {
    const runtime = await freshRuntime();
    const blocks = await blocksOf(chain, 1, 3);
    blocks[2] = {
      ...blocks[2],
      header: signHeader({ ...blocks[2].header, stateRoot: new Uint8Array(32).fill(7) }),
    };
    const err = await importError(runtime, blocks);
    expect(err.code).toBe("IMPORT_ERROR_INVALID_BLOCK");
    expect(err.message).toMatch(/block 3: refused by the chain: .*state root/);
    expect(err.type).toMatchObject({ height: 3, applied: 2 });
    expect(runtime.chain.head().height).toBe(2);
  });

  it("refuses blocks of another chain shard and broken links", async () => {
    const runtime = await freshRuntime();
    const [first, second] = await blocksOf(chain, 1, 2);
    const foreign = await importError(runtime, [{ ...first, header: { ...first.header, shard: 1 } }]);
    expect(foreign.code).toBe("IMPORT_ERROR_INVALID_BLOCK");
    expect(foreign.message).toMatch(/chain 1 shard 1, not to chain 1 shard 0/);
    const unlinked = { ...second, header: signHeader({ ...second.header, parentHash: new Uint8Array(32) }) };
    const broken = await importError(runtime, [first, unlinked]);
    expect(broken.code).toBe("IMPORT_ERROR_INVALID_BLOCK");
    expect(runtime.chain.head().height).toBe(0);
  });
});
