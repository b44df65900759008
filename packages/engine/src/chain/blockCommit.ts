import { hexToBytes } from "@vshard/crypto";
import type { BlockCommit, TxLocation, TxOutcomeRecord } from "@vshard/storage";
import type { TxOutcome } from "../execution/smallbank.ts";
import type { AssembledBlock } from "./assembleBlock.ts";

/** The stored form of a tx outcome: status 0 ok, 1 aborted with its reason. */
export function outcomeToRecord(o: TxOutcome): TxOutcomeRecord {
  return o.status === "ok" ? { status: 0 } : { status: 1, reason: o.reason };
}

/** The outcome of a committed tx, from its stored location. */
export function outcomeOfLocation(loc: TxLocation): TxOutcome {
  return loc.status === 0 ? { status: "ok" } : { status: "aborted", reason: loc.reason ?? "" };
}

/**
 * Everything the commit of an assembled block writes, for `LedgerDb.commitBlock`'s one atomic batch: the block, the
 * accounts and records execution changed, the new state-tree nodes, the outbox, and each tx's outcome.
 */
export function blockCommitOf(
  where: { chainId: number; shard: number },
  assembled: AssembledBlock,
  blockHash: Uint8Array,
): BlockCommit {
  const { block, execution, stateNodes } = assembled;
  return {
    chainId: where.chainId,
    shard: where.shard,
    block,
    blockHash,
    accounts: [...execution.changed].map(([hex, account]) => ({ address: hexToBytes(hex), account })),
    records: [...execution.records.values()],
    stateNodes,
    bodyBytes: assembled.bodyBytes,
    receipts: execution.receipts,
    txHashes: execution.applied.map((t) => t.hash),
    outcomes: execution.outcomes.map(outcomeToRecord),
  };
}
