import { TxKind } from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { RecordState } from "../execution/recordState.ts";
import type { AccountStore } from "../execution/staking.ts";
import { type ChainTx, chainRoleProblem } from "./chainTxRules.ts";
import { type ChainTxScope, type Checked, refuse } from "./checkedTx.ts";
import type { ExecutionContext, TxFailure } from "./interface.ts";
import type { MainChainRules } from "./options.ts";
import { checkEpochProof, checkRegisterValidator } from "./validatorTxs.ts";
import { checkAnchor, checkRecord, checkRegisterChain, checkUpdateChain } from "./workerChainTxs.ts";

function checkChainTx(tx: ChainTx, scope: ChainTxScope): Checked {
  const main = scope.ctx.main as MainChainRules;
  switch (tx.kind) {
    case TxKind.RegisterValidator:
      return checkRegisterValidator(tx, scope, main);
    case TxKind.EpochProof:
      return checkEpochProof(tx, scope, main);
    case TxKind.RegisterChain:
      return checkRegisterChain(tx, scope);
    case TxKind.UpdateChain:
      return checkUpdateChain(tx, scope);
    case TxKind.Anchor:
      return checkAnchor(tx, scope);
    case TxKind.Record:
      return checkRecord(tx, scope);
  }
}

/**
 * Applies a registry or record tx whose nonce matches (pure apart from `store` and `records`): the chain must take
 * the kind (`chainRoleProblem`; without a context none does), the balance cover the fee (plus a register-validator's
 * deposit), then the kind's own checks; only then is the fee charged (paid to the proposer by the caller), the nonce
 * bumped and the kind's records written. A refused tx writes nothing.
 */
export function applyChainTx(
  t: PreparedTx,
  store: AccountStore,
  records: RecordState,
  ctx: ExecutionContext | undefined,
): TxFailure | null {
  const tx = t.stx.tx as ChainTx;
  const role = chainRoleProblem(tx, ctx ?? {});
  if (role !== null) return role;
  // The role check refuses every registry and record kind when there is no context.
  const context = ctx as ExecutionContext;
  const sender = store.read(t.senderHex);
  const deposit = tx.kind === TxKind.RegisterValidator ? tx.payload.deposit : 0n;
  if (sender.balance < tx.fee + deposit)
    return refuse(
      "TX_ERROR_INSUFFICIENT_BALANCE",
      `balance ${sender.balance} is less than ${deposit > 0n ? "fee + deposit" : "the fee"} = ${tx.fee + deposit}`,
    );
  const checked = checkChainTx(tx, { t, store, records, ctx: context });
  if (typeof checked !== "function") return checked;
  store.write(t.senderHex, { ...sender, balance: sender.balance - tx.fee, nonce: sender.nonce + 1 });
  checked();
  return null;
}
