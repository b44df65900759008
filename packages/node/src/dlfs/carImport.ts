import { bytesEqual, bytesToHex } from "@vshard/crypto";
import {
  type BodyManifest,
  CID_LENGTH,
  DlfsError,
  type DlfsErrorCode,
  decodeCar,
  decodeManifest,
  safeCidText,
  unpackBody,
} from "@vshard/storage";
import {
  type Block,
  CodecError,
  decodeBody,
  decodeHeader,
  decodeTuple,
  expectArray,
  expectBytes,
  expectString,
  expectUint,
  type Header,
  headerHash,
  MAX_CHAIN_ID,
  MAX_SHARD_ID,
  type SignedTx,
  txRootOf,
} from "@vshard/types";
import { CAR_INDEX_TAG, CAR_INDEX_VERSION, type CarIndex, MAX_CAR_BLOCKS } from "./carExport.ts";

/**
 * Largest body (canonical bytes) an imported manifest may describe: 8× the default block limit (2 MiB), so any chain's
 * configured limit fits, while a lying manifest cannot make the importer allocate without bound.
 */
export const MAX_IMPORT_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads a vshard CAR (see `exportCar`) and checks everything it can without the chain: a single root that is a vshard
 * index (of `expect`'s chain shard when given), every header, manifest and chunk present, headers of that chain shard
 * at consecutive heights in the index's order, each linked to the one before, and each body unpacking to the bytes
 * its manifest describes with the tx root its header names. Every refusal is a `DlfsError` (`DLFS_ERROR_BAD_CAR`,
 * `DLFS_ERROR_BAD_MANIFEST` or `DLFS_ERROR_BODY_MISMATCH`) whose message names the block and object at fault.
 * Certificates and execution are the importing chain's to check (`ChainRuntime.importBlocks`).
 */
export function readCarBlocks(bytes: Uint8Array, expect?: { chainId: number; shard: number }): Block[] {
  const { roots, blocks: objects } = decodeCar(bytes);
  if (roots.length !== 1)
    throw badCar(`a vshard CAR has exactly one root (its index), this one has ${roots.length}`);
  const store = new Map<string, Uint8Array>();
  for (const o of objects) store.set(bytesToHex(o.cid), o.bytes);
  const get = (cid: Uint8Array, what: string): Uint8Array => {
    const found = store.get(bytesToHex(cid));
    if (!found) throw badCar(`${what} (${safeCidText(cid)}) is missing from the CAR`, cid);
    return found;
  };
  const index = readIndex(get(roots[0], "the root index object"), roots[0]);
  if (expect && (index.chainId !== expect.chainId || index.shard !== expect.shard))
    throw badCar(
      `the CAR holds blocks of chain ${index.chainId} shard ${index.shard}, expected chain ${expect.chainId} ` +
        `shard ${expect.shard}`,
    );
  const out: Block[] = [];
  let parent: Header | null = null;
  for (const [i, headerCid] of index.headerCids.entries()) {
    const height = index.from + i;
    const header = readHeader(get(headerCid, `the header of block ${height}`), headerCid, height);
    if (header.chainId !== index.chainId || header.shard !== index.shard)
      throw badCar(
        `block ${height}: header of chain ${header.chainId} shard ${header.shard} in a CAR of chain ` +
          `${index.chainId} shard ${index.shard}`,
        headerCid,
      );
    if (header.height !== height)
      throw badCar(
        `the index lists a header of height ${header.height} at height ${height} (headers out of order)`,
        headerCid,
      );
    if (parent && !bytesEqual(header.parentHash, headerHash(parent)))
      throw badCar(
        `block ${height}: its parent hash ${bytesToHex(header.parentHash)} is not the hash of block ` +
          `${parent.height} in the CAR (${bytesToHex(headerHash(parent))})`,
        headerCid,
      );
    out.push({ header, txs: readBody(header, get) });
    parent = header;
  }
  return out;
}

function readIndex(bytes: Uint8Array, cid: Uint8Array): CarIndex {
  let index: CarIndex;
  try {
    const [tag, version, chainId, shard, from, to, headers] = decodeTuple(bytes, 7, "CAR index");
    if (expectString(tag, "CAR index tag", 64) !== CAR_INDEX_TAG)
      throw badCar(`the root is not a vshard CAR index (tag ${JSON.stringify(tag)})`, cid);
    const v = expectUint(version, "CAR index version");
    if (v !== CAR_INDEX_VERSION)
      throw badCar(`CAR index version ${v} is not supported (only ${CAR_INDEX_VERSION})`, cid);
    index = {
      chainId: expectUint(chainId, "CAR index chainId", MAX_CHAIN_ID),
      shard: expectUint(shard, "CAR index shard", MAX_SHARD_ID),
      from: expectUint(from, "CAR index from"),
      to: expectUint(to, "CAR index to"),
      headerCids: expectArray(headers, "CAR index headers", (h, what) => expectBytes(h, what, CID_LENGTH)),
    };
  } catch (err) {
    if (err instanceof CodecError) throw badCar(`the root is not a vshard CAR index: ${err.message}`, cid);
    throw err;
  }
  const { from, to, headerCids } = index;
  if (from < 1 || to < from)
    throw badCar(`the index names heights ${from}..${to}; a range is 1 ≤ from ≤ to`, cid);
  if (to - from + 1 > MAX_CAR_BLOCKS)
    throw badCar(`the index names ${to - from + 1} blocks; a CAR holds at most ${MAX_CAR_BLOCKS}`, cid);
  if (headerCids.length !== to - from + 1)
    throw badCar(`the index lists ${headerCids.length} headers for heights ${from}..${to}`, cid);
  return index;
}

function readHeader(bytes: Uint8Array, cid: Uint8Array, height: number): Header {
  try {
    return decodeHeader(bytes);
  } catch (err) {
    if (err instanceof CodecError)
      throw badCar(`block ${height}: the header does not decode: ${err.message}`, cid);
    throw err;
  }
}

/** The body of `header`: its manifest, its chunks, unpacked, decoded and checked against the tx root. */
function readBody(header: Header, get: (cid: Uint8Array, what: string) => Uint8Array): SignedTx[] {
  const { height, bodyCid } = header;
  const manifest = withBlock(height, () =>
    decodeManifest(get(bodyCid, `the body manifest of block ${height}`)),
  );
  checkBound(manifest, height, bodyCid);
  const chunks = manifest.chunks.map((cid, i) => get(cid, `chunk ${i} of the body of block ${height}`));
  const body = withBlock(height, () => unpackBody(manifest, chunks, MAX_IMPORT_BODY_BYTES));
  let txs: SignedTx[];
  try {
    txs = decodeBody(body);
  } catch (err) {
    if (err instanceof CodecError)
      throw mismatch(`block ${height}: the body does not decode: ${err.message}`);
    throw err;
  }
  if (!bytesEqual(txRootOf(txs), header.txRoot))
    throw mismatch(`block ${height}: the body's tx root does not match the header's`);
  return txs;
}

/** Refuses an oversized body before its chunks are gathered (`unpackBody` checks it too, once they are). */
function checkBound(manifest: BodyManifest, height: number, cid: Uint8Array): void {
  if (manifest.bodyLength > MAX_IMPORT_BODY_BYTES)
    throw new DlfsError(
      { code: "DLFS_ERROR_BODY_MISMATCH", cid: safeCidText(cid) },
      `block ${height}: the manifest describes a body of ${manifest.bodyLength} bytes, more than the ` +
        `${MAX_IMPORT_BODY_BYTES} an import accepts`,
    );
}

/**
 * Codes of storage checks said in the import's terms: a manifest naming a chunk by something that is not a vshard CID
 * is a bad manifest; a chunk that does not match its CID (impossible once the CAR decoded) is a body that does not
 * unpack.
 */
const RECODED: Partial<Record<DlfsErrorCode, DlfsErrorCode>> = {
  DLFS_ERROR_BAD_CID: "DLFS_ERROR_BAD_MANIFEST",
  DLFS_ERROR_CID_MISMATCH: "DLFS_ERROR_BODY_MISMATCH",
};

/** Runs a storage check, prefixing the block's height to the message of the `DlfsError` it throws. */
function withBlock<T>(height: number, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof DlfsError)) throw err;
    const code = RECODED[err.code] ?? err.code;
    throw new DlfsError({ ...err.type, code }, `block ${height}: ${err.message}`);
  }
}

function badCar(message: string, cid?: Uint8Array): DlfsError {
  return new DlfsError(
    { code: "DLFS_ERROR_BAD_CAR", ...(cid === undefined ? {} : { cid: safeCidText(cid) }) },
    message,
  );
}

function mismatch(message: string): DlfsError {
  return new DlfsError({ code: "DLFS_ERROR_BODY_MISMATCH" }, message);
}
