import { bytesEqual, bytesToHex } from "@vshard/crypto";
import type { ShardChain } from "@vshard/engine";
import { type CarBlock, cidOfBytes, cidToString, encodeCar, packBody } from "@vshard/storage";
import { encodeBody, encodeHeader, encodeTuple, LedgerError } from "@vshard/types";

/**
 * Most blocks in one CAR export: 1,000 full blocks (~0.25 MiB packed each) make an archive of some 250 MB, built in
 * memory by the exporter and read whole by the importer; a longer history is exported in several ranges.
 */
export const MAX_CAR_BLOCKS = 1_000;

/** First field of a CAR index: tells a vshard block range from any other CAR root. */
export const CAR_INDEX_TAG = "vshard/car";
/** Layout version of the index, written after the tag so that a later layout can be told apart. */
export const CAR_INDEX_VERSION = 1;

/**
 * The root object of a vshard CAR: which chain shard, which heights, and the CID of each block's header in height
 * order. Canonical bytes: `["vshard/car", 1, chainId, shard, from, to, [headerCid…]]`.
 */
export interface CarIndex {
  chainId: number;
  shard: number;
  from: number;
  to: number;
  headerCids: Uint8Array[];
}

/** The canonical bytes of a CAR index. */
export function encodeCarIndex(index: CarIndex): Uint8Array {
  const { chainId, shard, from, to, headerCids } = index;
  return encodeTuple([CAR_INDEX_TAG, CAR_INDEX_VERSION, chainId, shard, from, to, headerCids]);
}

export type CarExportErrorCode =
  /** `from`/`to` are not integers with 1 ≤ from ≤ to ≤ head, or span more than `MAX_CAR_BLOCKS`. */
  | "CAR_EXPORT_ERROR_BAD_RANGE"
  /** A height at or below the head whose block the database does not hold. */
  | "CAR_EXPORT_ERROR_MISSING_BLOCK"
  /** The body re-packed with this node's layout does not give the header's body CID. */
  | "CAR_EXPORT_ERROR_LAYOUT_MISMATCH";

/** A block range that cannot be exported. */
export class CarExportError extends LedgerError<{ code: CarExportErrorCode }> {}

/** What an export reads of a chain (a `ShardChain`). */
export type CarSource = Pick<ShardChain, "opts" | "head" | "getBlock">;

/**
 * Exports committed blocks `from..to` of a chain shard as a CAR v1 file. Its single root is the index object
 * (`CarIndex`); then, per height, the encoded header (certificate included), the body's manifest (the object the
 * header's `bodyCid` names) and its chunks, re-packed from the stored body with the chain's DLFS layout. An object
 * met twice (identical bodies share manifest and chunks) is written once.
 */
export async function exportCar(chain: CarSource, from: number, to: number): Promise<Uint8Array> {
  checkRange(from, to, chain.head().height);
  const { chainId, shard } = chain.opts;
  const objects: CarBlock[] = [];
  const written = new Set<string>();
  const add = (object: CarBlock) => {
    const key = bytesToHex(object.cid);
    if (written.has(key)) return;
    written.add(key);
    objects.push(object);
  };
  const headerCids: Uint8Array[] = [];
  for (let height = from; height <= to; height++) {
    const block = await chain.getBlock(height);
    if (!block)
      throw new CarExportError(
        { code: "CAR_EXPORT_ERROR_MISSING_BLOCK" },
        `chain ${chainId} shard ${shard} has no stored block at height ${height} (head ${chain.head().height})`,
      );
    const headerBytes = encodeHeader(block.header);
    const headerCid = cidOfBytes(headerBytes);
    headerCids.push(headerCid);
    const packed = packBody(encodeBody(block.txs), chain.opts.dlfs);
    if (!bytesEqual(packed.manifestObject.cid, block.header.bodyCid))
      throw new CarExportError(
        { code: "CAR_EXPORT_ERROR_LAYOUT_MISMATCH" },
        `block ${height}: its body packs to manifest ${cidToString(packed.manifestObject.cid)} with this node's ` +
          `DLFS layout, but the header names ${cidToString(block.header.bodyCid)}: the node's layout does not ` +
          "match the chain's",
      );
    add({ cid: headerCid, bytes: headerBytes });
    add(packed.manifestObject);
    for (const chunk of packed.chunks) add(chunk);
  }
  const index = encodeCarIndex({ chainId, shard, from, to, headerCids });
  const indexCid = cidOfBytes(index);
  return encodeCar([indexCid], [{ cid: indexCid, bytes: index }, ...objects]);
}

function checkRange(from: number, to: number, head: number): void {
  const bad = (message: string): never => {
    throw new CarExportError({ code: "CAR_EXPORT_ERROR_BAD_RANGE" }, message);
  };
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    bad(`from and to must be integers, got ${from} and ${to}`);
  if (from < 1) bad(`from must be at least 1 (the genesis block is not exported), got ${from}`);
  if (to < from) bad(`to (${to}) is below from (${from})`);
  if (to - from + 1 > MAX_CAR_BLOCKS)
    bad(`${to - from + 1} blocks asked (${from}..${to}); one export holds at most ${MAX_CAR_BLOCKS}`);
  if (to > head) bad(`to (${to}) is above the committed head (${head})`);
}
