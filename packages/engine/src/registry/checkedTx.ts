import type { PreparedTx } from "../execution/executeTxs.ts";
import type { RecordState } from "../execution/recordState.ts";
import type { AccountStore } from "../execution/staking.ts";
import type { ExecutionContext, TxFailure } from "./interface.ts";

/**
 * What a registry or record tx's checks give: a failure, or the tx's writes, run only once every check has passed
 * and the fee is charged (so a refused tx writes nothing).
 */
export type Checked = TxFailure | (() => void);

/** What a kind's check reads and writes: the tx, the account and record state, the block's context. */
export interface ChainTxScope {
  t: PreparedTx;
  store: AccountStore;
  records: RecordState;
  ctx: ExecutionContext;
}

/** What a registry kind's rules read: the record state and the block's context (no account). */
export type RegistryScope = Pick<ChainTxScope, "records" | "ctx">;

/** A failure with this code and message. */
export function refuse(code: TxFailure["code"], message: string): TxFailure {
  return { code, message };
}
