import { type RecordRef, TxKind } from "@vshard/types";
import { crossShardRecordsTouched } from "../crossShard/crossShardTouched.ts";
import { chainTxRecordsTouched } from "../registry/registryTouched.ts";
import type { PreparedTx } from "./executeTxs.ts";
import { recordKeyHex } from "./recordStateKey.ts";
import { smallbankRecordsTouched } from "./smallbank.ts";

/**
 * The records one tx may read when executed, declared before execution so that block assembly loads them in one
 * round: the ONE place that lists them per tx kind (a kind that reads records adds its case here). Kinds that read
 * no record give none.
 */
export function recordsTouchedBy(prepared: PreparedTx): RecordRef[] {
  const tx = prepared.stx.tx;
  switch (tx.kind) {
    case TxKind.Smallbank:
      return smallbankRecordsTouched(tx.payload, prepared.senderAddress);
    case TxKind.RegisterValidator:
    case TxKind.RegisterChain:
    case TxKind.UpdateChain:
    case TxKind.Anchor:
    case TxKind.EpochProof:
    case TxKind.Record:
      return chainTxRecordsTouched(prepared);
    case TxKind.CrossTransfer:
    case TxKind.Receive:
      return crossShardRecordsTouched(prepared);
    default:
      return [];
  }
}

/** The records executing `txs` may read, by state-key hex (`recordKeyHex`), in the order first named. */
export function touchedRecords(txs: PreparedTx[]): Map<string, RecordRef> {
  const out = new Map<string, RecordRef>();
  for (const t of txs)
    for (const ref of recordsTouchedBy(t)) {
      const hex = recordKeyHex(ref);
      if (!out.has(hex)) out.set(hex, ref);
    }
  return out;
}
