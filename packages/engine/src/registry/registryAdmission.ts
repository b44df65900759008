import { TxKind } from "@vshard/types";
import type { TxErrorCode } from "../errors.ts";
import type { RecordState } from "../execution/recordState.ts";
import type { RegistryTx } from "./chainTxRules.ts";
import type { Checked } from "./checkedTx.ts";
import type { TxFailure } from "./interface.ts";
import type { MainChainRules } from "./options.ts";
import {
  epochProofDuplicateProblem,
  epochProofSenderProblem,
  epochProofWindow,
  epochProofWindowProblem,
  registerValidatorProblem,
} from "./validatorTxs.ts";
import { anchorTarget, checkRegisterChain, checkUpdateChain } from "./workerChainTxs.ts";

/** Where admission checks a registry tx: the rules, the height of the next block, and what the sender has pending. */
export interface RegistryAdmissionContext {
  main: MainChainRules;
  /** Height of the next block (committed head + 1): the earliest block the tx can land in. */
  nextHeight: number;
  /** Whether the tx is not its sender's next one (nonce above the committed nonce): earlier txs of its may be pending. */
  afterPendingTxs: boolean;
}

/**
 * Refusals that an earlier tx of the same sender, still pending, may lift before this one executes: an update of the
 * chain the sender's pending register-chain creates, or of the version its pending update sets; an epoch proof after
 * its pending register-validator. Every other registry refusal stands whatever is pending: registrations, names, VRF
 * keys, published proofs and anchored headers are never undone, owners never change, and an anchor needs a committee
 * the main chain fixed long after the chain's registration.
 */
const LIFTED_BY_EARLIER_TXS: Readonly<Partial<Record<TxKind, ReadonlySet<TxErrorCode>>>> = {
  [TxKind.UpdateChain]: new Set(["TX_ERROR_UNKNOWN_CHAIN", "TX_ERROR_BAD_SCHEMA_UPDATE"]),
  [TxKind.EpochProof]: new Set(["TX_ERROR_NOT_A_VALIDATOR"]),
};

const failureOf = (checked: Checked): TxFailure | null => (typeof checked === "function" ? null : checked);

/**
 * The registry rules `tx` breaks that can be judged before its block, in the order execution checks them, each by the
 * function execution runs (one failure at most, except an epoch proof's rules, which are independent of each other).
 */
function ruleProblems(tx: RegistryTx, records: RecordState, at: RegistryAdmissionContext): TxFailure[] {
  const scope = { records, ctx: { main: at.main, height: at.nextHeight } };
  const one = (failure: TxFailure | null) => (failure === null ? [] : [failure]);
  switch (tx.kind) {
    case TxKind.RegisterValidator:
      return one(registerValidatorProblem(tx, records, at.main));
    case TxKind.RegisterChain:
      return one(failureOf(checkRegisterChain(tx, scope)));
    case TxKind.UpdateChain:
      return one(failureOf(checkUpdateChain(tx, scope)));
    case TxKind.Anchor: {
      const target = anchorTarget(tx, scope);
      return one("code" in target ? target : null);
    }
    case TxKind.EpochProof: {
      const { epoch, purpose } = tx.payload;
      // A proof too early for the next block may still land inside its window: refused only once the window has passed.
      const passed = epochProofWindow(epoch, purpose, at.main).to <= at.nextHeight;
      return [
        epochProofSenderProblem(tx, records),
        passed ? epochProofWindowProblem(tx, at.nextHeight, at.main) : null,
        epochProofDuplicateProblem(tx, records),
      ].filter((f): f is TxFailure => f !== null);
    }
  }
}

/**
 * What admission refuses a main-chain registry tx for, judged on the committed head's registry (`records`) before the
 * tx enters the mempool, or null. The rules are those execution applies, minus a register-validator's key checks and
 * proof of possession (stateless, and the pairing costs milliseconds), an anchor's certificate (judged at the block's
 * main height) and an epoch proof's window unless it has passed for good (no block from `nextHeight` on lies in it).
 * When the sender has earlier txs outstanding, the refusals those may lift are left to execution
 * (`LIFTED_BY_EARLIER_TXS`). Execution checks everything again: the registry may change before the tx's block.
 */
export function registryAdmissionProblem(
  tx: RegistryTx,
  records: RecordState,
  at: RegistryAdmissionContext,
): TxFailure | null {
  const lifted = at.afterPendingTxs ? LIFTED_BY_EARLIER_TXS[tx.kind] : undefined;
  return ruleProblems(tx, records, at).find((f) => !lifted?.has(f.code)) ?? null;
}
