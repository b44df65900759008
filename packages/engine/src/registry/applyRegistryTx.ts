import { blsVerifyPossession, isValidBlsPublicKey, isValidEd25519PublicKey } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  EpochProofPurpose,
  RecordNamespace,
  TxKind,
  type TxOfKind,
} from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { RecordState } from "../execution/recordState.ts";
import { type AccountStore, bondCandidate } from "../execution/staking.ts";
import { type ChainTx, chainRoleProblem } from "./chainTxRules.ts";
import { type ChainTxScope, type Checked, refuse } from "./checkedTx.ts";
import { epochStart, seedPhaseStart, sortitionPhaseStart } from "./epochSchedule.ts";
import type { ExecutionContext, TxFailure } from "./interface.ts";
import type { MainChainRules } from "./options.ts";
import { encodeEpochProofEntry, encodeValidatorEntry } from "./registryEntries.ts";
import { epochProofRecordId, validatorRecordId, vrfKeyRecordId } from "./registryIds.ts";
import { checkAnchor, checkRecord, checkRegisterChain, checkUpdateChain } from "./workerChainTxs.ts";

const addressOfKey = (publicKey: Uint8Array) => addressToText(addressFromPublicKey(publicKey));

/**
 * Registers the sender as a validator: not registered yet, a deposit of at least `main.minDeposit`, a VRF key that
 * is a valid edwards25519 point and that no validator registered, a BLS key with a valid proof of possession. The
 * deposit becomes the sender's stake as a block-producer candidate (`bondCandidate`); writes Validator and VrfKey.
 */
function checkRegisterValidator(
  tx: TxOfKind<TxKind.RegisterValidator>,
  { t, store, records, ctx }: ChainTxScope,
  main: MainChainRules,
): Checked {
  const p = tx.payload;
  const id = validatorRecordId(tx.sender);
  if (records.read(RecordNamespace.Validator, id) !== null)
    return refuse(
      "TX_ERROR_VALIDATOR_REGISTERED",
      `${addressOfKey(tx.sender)} is already a registered validator`,
    );
  if (p.deposit < main.minDeposit)
    return refuse(
      "TX_ERROR_DEPOSIT_TOO_LOW",
      `payload.deposit: ${p.deposit} is below the minimum deposit ${main.minDeposit}`,
    );
  const owner = records.read(RecordNamespace.VrfKey, vrfKeyRecordId(p.vrfPublicKey));
  if (owner !== null)
    return refuse(
      "TX_ERROR_VRF_KEY_TAKEN",
      `payload.vrfPublicKey: already the VRF key of validator ${addressOfKey(owner)}`,
    );
  if (!isValidEd25519PublicKey(p.vrfPublicKey))
    return refuse(
      "TX_ERROR_BAD_VRF_KEY",
      "payload.vrfPublicKey: not a valid edwards25519 point (canonical and not of small order)",
    );
  if (!isValidBlsPublicKey(p.blsPublicKey))
    return refuse(
      "TX_ERROR_BAD_PROOF_OF_POSSESSION",
      "payload.blsPublicKey: not a valid BLS12-381 G1 public key",
    );
  // Last: the pairing check costs milliseconds.
  if (!blsVerifyPossession(p.blsPublicKey, p.blsProofOfPossession))
    return refuse(
      "TX_ERROR_BAD_PROOF_OF_POSSESSION",
      "payload.blsProofOfPossession: not a proof of possession of payload.blsPublicKey's secret key",
    );
  const entry = {
    publicKey: tx.sender,
    blsPublicKey: p.blsPublicKey,
    vrfPublicKey: p.vrfPublicKey,
    deposit: p.deposit,
    registeredHeight: ctx.height,
  };
  return () => {
    bondCandidate(store, t.senderHex, t.senderAddress, p.deposit);
    records.write(RecordNamespace.Validator, id, encodeValidatorEntry(entry));
    records.write(RecordNamespace.VrfKey, vrfKeyRecordId(p.vrfPublicKey), tx.sender);
  };
}

/** The main heights [from, to) in which an epoch proof of this epoch and purpose is accepted (empty: never). */
export function epochProofWindow(
  epoch: number,
  purpose: EpochProofPurpose,
  rules: MainChainRules,
): { from: number; to: number } {
  if (purpose === EpochProofPurpose.Seed)
    return { from: seedPhaseStart(epoch, rules), to: sortitionPhaseStart(epoch, rules) };
  // Epoch 0's sortition proofs come with the genesis.
  if (epoch === 0) return { from: 0, to: 0 };
  return { from: sortitionPhaseStart(epoch - 1, rules), to: epochStart(epoch, rules) };
}

/**
 * Records a validator's epoch proof: the sender must be a registered validator, the block lie in the proof's window
 * (a seed proof for epoch x in epoch x's seed phase, a sortition proof for epoch x ≥ 1 in epoch x-1's sortition
 * phase) and the sender not have published one for this epoch and purpose. The proof bytes are NOT verified here: the
 * epoch tracker that consumes them verifies each one and reports the bad ones (a bad proof only loses its sender its
 * seed contribution or its committee seat).
 */
function checkEpochProof(
  tx: TxOfKind<TxKind.EpochProof>,
  { records, ctx }: ChainTxScope,
  main: MainChainRules,
): Checked {
  const { epoch, purpose, proof } = tx.payload;
  if (records.read(RecordNamespace.Validator, validatorRecordId(tx.sender)) === null)
    return refuse("TX_ERROR_NOT_A_VALIDATOR", `${addressOfKey(tx.sender)} is not a registered validator`);
  const name = purpose === EpochProofPurpose.Seed ? "seed" : "sortition";
  const { from, to } = epochProofWindow(epoch, purpose, main);
  if (ctx.height < from || ctx.height >= to) {
    const phase =
      purpose === EpochProofPurpose.Seed
        ? `seed phase of epoch ${epoch}`
        : `sortition phase of epoch ${epoch - 1}`;
    const rule =
      from === to
        ? `a ${name} proof for epoch ${epoch} is never accepted (epoch 0's sortition proofs come with the genesis)`
        : `a ${name} proof for epoch ${epoch} is accepted in main heights ${from}..${to - 1} (the ${phase})`;
    return refuse("TX_ERROR_OUTSIDE_EPOCH_WINDOW", `${rule}; this block is at height ${ctx.height}`);
  }
  const id = epochProofRecordId(epoch, purpose, tx.sender);
  if (records.read(RecordNamespace.EpochProof, id) !== null)
    return refuse(
      "TX_ERROR_DUPLICATE_EPOCH_PROOF",
      `${addressOfKey(tx.sender)} already published its ${name} proof for epoch ${epoch}`,
    );
  return () =>
    records.write(RecordNamespace.EpochProof, id, encodeEpochProofEntry({ proof, height: ctx.height }));
}

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
