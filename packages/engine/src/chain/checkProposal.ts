import { bytesEqual, merkleRoot } from "@vshard/crypto";
import type { ChainHead } from "@vshard/storage";
import { type Block, encodeBody, type Header } from "@vshard/types";
import { BlockError, TxError } from "../errors.ts";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { ChainOptions } from "./chainOptions.ts";
import { checkTxStateless, prepareTx } from "./prepareTx.ts";

/** Verifies the signatures of prepared txs; one answer per tx. */
export interface SignatureChecker {
  verifyTxSignatures(txs: PreparedTx[]): Promise<boolean[]>;
}

/**
 * The checks of a proposed block that come before execution: it extends `parent`, respects the limits, its tx root matches its
 * body, every tx passes the stateless rules and carries a valid signature. Returns the prepared txs.
 */
export async function checkProposal(
  block: Block,
  parent: ChainHead & { time: number },
  opts: ChainOptions,
  signatures: SignatureChecker,
): Promise<PreparedTx[]> {
  const h = block.header;
  const fail = (code: BlockError["code"], message: string): never => {
    throw new BlockError({ code, height: h.height }, `block ${h.height}: ${message}`);
  };
  if (h.chainId !== opts.chainId || h.shard !== opts.shard)
    fail(
      "BLOCK_ERROR_WRONG_CHAIN",
      `for chain ${h.chainId} shard ${h.shard}, expected ${opts.chainId}/${opts.shard}`,
    );
  if (h.height !== parent.height + 1)
    fail("BLOCK_ERROR_WRONG_HEIGHT", `expected height ${parent.height + 1}`);
  if (!bytesEqual(h.parentHash, parent.hash)) fail("BLOCK_ERROR_WRONG_PARENT", "does not extend the head");
  if (h.time <= parent.time)
    fail("BLOCK_ERROR_TIME", `time ${h.time} is not after its parent's ${parent.time}`);
  if (block.txs.length > opts.maxBlockTxs)
    fail("BLOCK_ERROR_TOO_MANY_TXS", `${block.txs.length} txs, limit ${opts.maxBlockTxs}`);
  const body = encodeBody(block.txs);
  if (body.length > opts.maxBlockBytes)
    fail("BLOCK_ERROR_TOO_LARGE", `body of ${body.length} bytes, limit ${opts.maxBlockBytes}`);
  const txs = block.txs.map(prepareTx);
  if (!bytesEqual(merkleRoot(txs.map((t) => t.hash)), h.txRoot))
    fail("BLOCK_ERROR_BAD_TX_ROOT", "tx root does not match the body");
  for (const t of txs) {
    try {
      checkTxStateless(t, opts);
    } catch (err) {
      if (err instanceof TxError) fail("BLOCK_ERROR_INVALID_TX", `tx ${t.hashHex}: ${err.message}`);
      throw err;
    }
  }
  const valid = await signatures.verifyTxSignatures(txs);
  const bad = valid.indexOf(false);
  if (bad >= 0) fail("BLOCK_ERROR_BAD_SIGNATURE", `tx ${txs[bad].hashHex} has an invalid signature`);
  return txs;
}

/**
 * The checks of a proposed block after its re-execution: the state root, the receipt (outbox) root and the body CID
 * (its DLFS manifest, packed once during execution) it carries must be the ones re-execution produced (`executed`).
 */
export function checkExecutedRoots(proposed: Header, executed: Header): void {
  const fail = (code: BlockError["code"], message: string): never => {
    throw new BlockError({ code, height: proposed.height }, `block ${proposed.height}: ${message}`);
  };
  if (!bytesEqual(executed.stateRoot, proposed.stateRoot))
    fail("BLOCK_ERROR_BAD_STATE_ROOT", "state root does not match execution");
  if (!bytesEqual(executed.receiptRoot, proposed.receiptRoot))
    fail("BLOCK_ERROR_BAD_RECEIPT_ROOT", "receipt root does not match the outbox execution made");
  if (!bytesEqual(executed.bodyCid, proposed.bodyCid))
    fail("BLOCK_ERROR_BAD_BODY_CID", "body CID does not match the manifest of the body");
}
