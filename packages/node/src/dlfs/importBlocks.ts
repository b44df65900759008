import { bytesEqual, bytesToHex } from "@vshard/crypto";
import type { ConsensusApp } from "@vshard/engine";
import { type Block, type Header, headerHash } from "@vshard/types";
import { ImportError, type ImportErrorCode } from "./importError.ts";

/** Where blocks are imported: the chain as its consensus plugin drives it, and the plugin's certificate check. */
export interface ImportTarget {
  /** The chain shard the blocks must belong to. */
  chainId: number;
  shard: number;
  /** The chain as consensus sees it: `processProposal` runs any preparation the runtime adds (the main chain's). */
  app: Pick<ConsensusApp, "head" | "getBlock" | "processProposal" | "commitBlock" | "markFinalized">;
  verifyCertificate(header: Header): boolean;
}

/** What an import did: blocks committed, and blocks that were already committed (the same ones). */
export interface ImportResult {
  applied: number;
  known: number;
}

/**
 * Imports consecutive blocks of one chain shard, lowest first, by the path block sync takes: a block at or below the
 * head must be the committed one (it counts as known); the first new block must extend the head; every new block's
 * certificate must verify (all of them are checked before the first is applied), then it is re-executed
 * (`processProposal`), committed and marked final. A refusal is an `ImportError` naming the block; blocks committed
 * before it stay committed (`applied` in the error says how many).
 */
export async function importBlocks(blocks: Block[], target: ImportTarget): Promise<ImportResult> {
  const { app } = target;
  const result: ImportResult = { applied: 0, known: 0 };
  const fail = (code: ImportErrorCode, height: number, message: string): ImportError =>
    new ImportError({ code, height, applied: result.applied }, `block ${height}: ${message}`);
  checkSequence(blocks, target, fail);
  const startHead = app.head().height;
  for (const { header } of blocks)
    if (header.height > startHead && !target.verifyCertificate(header))
      throw fail("IMPORT_ERROR_BAD_CERTIFICATE", header.height, "its certificate does not verify");
  for (const [i, block] of blocks.entries()) {
    const { height, parentHash } = block.header;
    const head = app.head();
    if (height <= head.height) {
      await expectCommitted(block, app, fail);
      result.known++;
      continue;
    }
    if (height !== head.height + 1)
      throw fail(
        "IMPORT_ERROR_GAP",
        height,
        `the committed head is ${head.height}: blocks in between are missing`,
      );
    if (!bytesEqual(parentHash, head.hash))
      throw fail(
        i === 0 ? "IMPORT_ERROR_CONFLICT" : "IMPORT_ERROR_INVALID_BLOCK",
        height,
        `its parent ${bytesToHex(parentHash)} is not the committed head ${head.height} (${bytesToHex(head.hash)})` +
          (i === 0 ? ": it conflicts with the committed chain" : ""),
      );
    try {
      const assembled = await app.processProposal(block);
      await app.commitBlock(assembled);
    } catch (err) {
      // Consensus may have committed this height meanwhile: the same block is then simply known.
      if (app.head().height >= height) {
        await expectCommitted(block, app, fail);
        result.known++;
        continue;
      }
      throw fail("IMPORT_ERROR_INVALID_BLOCK", height, `refused by the chain: ${(err as Error).message}`);
    }
    app.markFinalized(height);
    result.applied++;
  }
  return result;
}

type Fail = (code: ImportErrorCode, height: number, message: string) => ImportError;

/** Refuses blocks of another chain shard, heights that are not consecutive and broken parent links. */
function checkSequence(blocks: Block[], target: ImportTarget, fail: Fail): void {
  let previous: Header | null = null;
  for (const { header } of blocks) {
    const { chainId, shard, height } = header;
    if (chainId !== target.chainId || shard !== target.shard)
      throw fail(
        "IMPORT_ERROR_INVALID_BLOCK",
        height,
        `it belongs to chain ${chainId} shard ${shard}, not to chain ${target.chainId} shard ${target.shard}`,
      );
    if (previous && height !== previous.height + 1)
      throw fail(
        "IMPORT_ERROR_GAP",
        height,
        `it follows block ${previous.height}: blocks must be consecutive`,
      );
    if (previous && !bytesEqual(header.parentHash, headerHash(previous)))
      throw fail(
        "IMPORT_ERROR_INVALID_BLOCK",
        height,
        `its parent hash is not the hash of block ${previous.height}`,
      );
    previous = header;
  }
}

/** Throws `IMPORT_ERROR_CONFLICT` unless `block` is the committed block at its height. */
async function expectCommitted(block: Block, app: ImportTarget["app"], fail: Fail): Promise<void> {
  const { height } = block.header;
  const committed = await app.getBlock(height);
  const hash = headerHash(block.header);
  if (!committed || !bytesEqual(headerHash(committed.header), hash))
    throw fail(
      "IMPORT_ERROR_CONFLICT",
      height,
      `${bytesToHex(hash)} conflicts with the committed chain` +
        (committed ? ` (committed: ${bytesToHex(headerHash(committed.header))})` : ""),
    );
}
