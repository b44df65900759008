import { blsVerifyPossession, isValidBlsPublicKey, isValidEd25519PublicKey } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  EpochProofPurpose,
  RecordNamespace,
  type TxKind,
  type TxOfKind,
} from "@vshard/types";
import type { RecordState } from "../execution/recordState.ts";
import { bondCandidate } from "../execution/staking.ts";
import { type ChainTxScope, type Checked, type RegistryScope, refuse } from "./checkedTx.ts";
import { epochStart, seedPhaseStart, sortitionPhaseStart } from "./epochSchedule.ts";
import type { TxFailure } from "./interface.ts";
import type { MainChainRules } from "./options.ts";
import { encodeEpochProofEntry, encodeValidatorEntry } from "./registryEntries.ts";
import { epochProofRecordId, validatorRecordId, vrfKeyRecordId } from "./registryIds.ts";

const addressOfKey = (publicKey: Uint8Array) => addressToText(addressFromPublicKey(publicKey));

/**
 * The registry rules of a register-validator, which admission checks too: the sender is not registered yet, the
 * deposit is at least `main.minDeposit`, and no validator registered the VRF key.
 */
export function registerValidatorProblem(
  tx: TxOfKind<TxKind.RegisterValidator>,
  records: RecordState,
  main: MainChainRules,
): TxFailure | null {
  const p = tx.payload;
  if (records.read(RecordNamespace.Validator, validatorRecordId(tx.sender)) !== null)
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
  return null;
}

/**
 * Registers the sender as a validator: the registry rules (`registerValidatorProblem`), then a VRF key that is a valid
 * edwards25519 point and a BLS key with a valid proof of possession (checked at execution only: the pairing is slow).
 * The deposit becomes the sender's stake as a block-producer candidate (`bondCandidate`); writes Validator and VrfKey.
 */
export function checkRegisterValidator(
  tx: TxOfKind<TxKind.RegisterValidator>,
  { t, store, records, ctx }: ChainTxScope,
  main: MainChainRules,
): Checked {
  const p = tx.payload;
  const problem = registerValidatorProblem(tx, records, main);
  if (problem !== null) return problem;
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
    records.write(RecordNamespace.Validator, validatorRecordId(tx.sender), encodeValidatorEntry(entry));
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

const purposeName = (purpose: EpochProofPurpose) =>
  purpose === EpochProofPurpose.Seed ? "seed" : "sortition";

/** An epoch proof's sender must be a registered validator. */
export function epochProofSenderProblem(
  tx: TxOfKind<TxKind.EpochProof>,
  records: RecordState,
): TxFailure | null {
  if (records.read(RecordNamespace.Validator, validatorRecordId(tx.sender)) !== null) return null;
  return refuse("TX_ERROR_NOT_A_VALIDATOR", `${addressOfKey(tx.sender)} is not a registered validator`);
}

/** A block at `height` must lie in the proof's window (`epochProofWindow`). */
export function epochProofWindowProblem(
  tx: TxOfKind<TxKind.EpochProof>,
  height: number,
  main: MainChainRules,
): TxFailure | null {
  const { epoch, purpose } = tx.payload;
  const { from, to } = epochProofWindow(epoch, purpose, main);
  if (height >= from && height < to) return null;
  const name = purposeName(purpose);
  const phase =
    purpose === EpochProofPurpose.Seed
      ? `seed phase of epoch ${epoch}`
      : `sortition phase of epoch ${epoch - 1}`;
  const rule =
    from === to
      ? `a ${name} proof for epoch ${epoch} is never accepted (epoch 0's sortition proofs come with the genesis)`
      : `a ${name} proof for epoch ${epoch} is accepted in main heights ${from}..${to - 1} (the ${phase})`;
  return refuse("TX_ERROR_OUTSIDE_EPOCH_WINDOW", `${rule}; this block is at height ${height}`);
}

/** The sender must not have published a proof of this epoch and purpose already. */
export function epochProofDuplicateProblem(
  tx: TxOfKind<TxKind.EpochProof>,
  records: RecordState,
): TxFailure | null {
  const { epoch, purpose } = tx.payload;
  if (records.read(RecordNamespace.EpochProof, epochProofRecordId(epoch, purpose, tx.sender)) === null)
    return null;
  return refuse(
    "TX_ERROR_DUPLICATE_EPOCH_PROOF",
    `${addressOfKey(tx.sender)} already published its ${purposeName(purpose)} proof for epoch ${epoch}`,
  );
}

/**
 * Records a validator's epoch proof: the sender must be a registered validator, the block lie in the proof's window
 * (a seed proof for epoch x in epoch x's seed phase, a sortition proof for epoch x ≥ 1 in epoch x-1's sortition
 * phase) and the sender not have published one for this epoch and purpose. The proof bytes are NOT verified here: the
 * epoch tracker that consumes them verifies each one and reports the bad ones (a bad proof only loses its sender its
 * seed contribution or its committee seat).
 */
export function checkEpochProof(
  tx: TxOfKind<TxKind.EpochProof>,
  { records, ctx }: RegistryScope,
  main: MainChainRules,
): Checked {
  const problem =
    epochProofSenderProblem(tx, records) ??
    epochProofWindowProblem(tx, ctx.height, main) ??
    epochProofDuplicateProblem(tx, records);
  if (problem !== null) return problem;
  const { epoch, purpose, proof } = tx.payload;
  const id = epochProofRecordId(epoch, purpose, tx.sender);
  return () =>
    records.write(RecordNamespace.EpochProof, id, encodeEpochProofEntry({ proof, height: ctx.height }));
}
