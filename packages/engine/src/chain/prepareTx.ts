import { bytesToHex, type SignatureSet, sha256 } from "@vshard/crypto";
import {
  ADDRESS_LENGTH,
  addressFromPublicKey,
  encodeSignedTx,
  type SignedTx,
  type Tx,
  TxKind,
  txHash,
  type WireTx,
} from "@vshard/types";
import { spentReceiptRecordId } from "../crossShard/receiptRecords.ts";
import { TxError } from "../errors.ts";
import type { PreparedTx } from "../execution/executeTxs.ts";
import { smallbankPayloadProblem } from "../execution/smallbank.ts";
import { isStakingTx, stakingTxProblem } from "../execution/staking.ts";
import {
  chainPayloadProblem,
  chainRoleProblem,
  minFeeOf,
  workerShardProblem,
} from "../registry/chainTxRules.ts";
import { type ChainOptions, maxTxBytesOf } from "./chainOptions.ts";

/** Derives hash, sender address and size of a signed tx once. */
export function prepareTx(stx: SignedTx): PreparedTx {
  return prepareWireTx({ stx, hash: txHash(stx.tx), size: encodeSignedTx(stx).length });
}

const RECEIVE_SLOT_DOMAIN = new TextEncoder().encode("vshard/receive-slot");

/**
 * The account a receive is queued under in the mempool instead of its relay's: one per receipt (no key controls it,
 * its nonce stays 0), so that the receives of one relay never wait on each other's nonces, and a second delivery of a
 * pending receipt, by any relay, takes the same slot and nonce and is refused as a duplicate.
 */
export function receiveSlotAddress(tx: Tx): Uint8Array | null {
  if (tx.kind !== TxKind.Receive) return null;
  const { receipt } = tx.payload;
  return sha256(RECEIVE_SLOT_DOMAIN, spentReceiptRecordId(receipt.source, receipt.id)).subarray(
    0,
    ADDRESS_LENGTH,
  );
}

/** The same for a tx decoded from the wire, whose hash and size came from its bytes. */
export function prepareWireTx(wire: WireTx): PreparedTx {
  const senderAddress = receiveSlotAddress(wire.stx.tx) ?? addressFromPublicKey(wire.stx.tx.sender);
  return {
    stx: wire.stx,
    hash: wire.hash,
    hashHex: bytesToHex(wire.hash),
    senderAddress,
    senderHex: bytesToHex(senderAddress),
    size: wire.size,
  };
}

/** The signature check a tx needs, as data: the node runs it on the verify pool. */
export function txSignatureSet(t: PreparedTx): SignatureSet {
  return { scheme: "ed25519", publicKey: t.stx.tx.sender, message: t.hash, signature: t.stx.signature };
}

/**
 * Checks that need no state: chain, shard, kind, fee, payload, size. A transfer must move a positive amount; a
 * Smallbank op names `other` exactly when it is Amalgamate or SendPayment, and Balance and Amalgamate carry amount 0;
 * staking kinds follow `stakingTxProblem` (positive amounts, sorted votes, evidence signed twice by one proposer).
 * Registry kinds go to the main chain only and records to a worker chain only (`chainRoleProblem`); on a worker
 * chain the sender (and a transfer's recipient) must live in this shard and the fee follow the schema's rule; a
 * receive carries nonce 0 and fee 0 (its receipt is checked, not its relay); a
 * schema or record that does not decode is refused here (`chainPayloadProblem`). Throws `TxError`.
 */
export function checkTxStateless(t: PreparedTx, opts: ChainOptions): void {
  const tx = t.stx.tx;
  const fail = (code: TxError["code"], message: string): never => {
    throw new TxError({ code, txHash: t.hashHex }, message);
  };
  if (tx.chainId !== opts.chainId)
    fail("TX_ERROR_WRONG_CHAIN", `tx is for chain ${tx.chainId}, this is chain ${opts.chainId}`);
  if (tx.shard !== opts.shard)
    fail("TX_ERROR_WRONG_SHARD", `tx is for shard ${tx.shard}, this is shard ${opts.shard}`);
  if (!ACCEPTED_KINDS.has(tx.kind))
    fail("TX_ERROR_UNSUPPORTED_KIND", `tx kind ${tx.kind} is not accepted on this chain`);
  const role =
    chainRoleProblem(tx, opts) ?? (opts.schema ? workerShardProblem(t, opts.schema, opts.shard) : null);
  if (role !== null) fail(role.code, role.message);
  const minFee = minFeeOf(t.size, opts);
  if (tx.kind === TxKind.Receive) {
    if (tx.nonce !== 0 || tx.fee !== 0n)
      fail(
        "TX_ERROR_BAD_PAYLOAD",
        `a receive carries nonce 0 and fee 0 (got nonce ${tx.nonce}, fee ${tx.fee})`,
      );
  } else if (tx.fee < minFee) {
    const rule = opts.schema
      ? ` (schema fees: ${opts.schema.fees.minFee} + ${opts.schema.fees.perByte} × ${t.size} bytes)`
      : "";
    fail("TX_ERROR_FEE_TOO_LOW", `fee ${tx.fee} is below the minimum fee ${minFee}${rule}`);
  }
  if ((tx.kind === TxKind.Transfer || tx.kind === TxKind.CrossTransfer) && tx.payload.amount === 0n)
    fail("TX_ERROR_ZERO_AMOUNT", "a transfer must move a positive amount");
  if (tx.kind === TxKind.Smallbank) {
    const problem = smallbankPayloadProblem(tx.payload);
    if (problem !== null) fail("TX_ERROR_BAD_PAYLOAD", problem);
  }
  const maxTxBytes = maxTxBytesOf(opts);
  if (t.size > maxTxBytes) fail("TX_ERROR_TOO_LARGE", `tx is ${t.size} bytes, the limit is ${maxTxBytes}`);
  const payload = chainPayloadProblem(tx, opts);
  if (payload !== null) fail(payload.code, payload.message);
  // Last: an evidence's check verifies two signatures.
  if (isStakingTx(tx)) {
    const problem = stakingTxProblem(tx);
    if (problem !== null) fail(problem.code, problem.message);
  }
}

/** The kinds this engine executes (the registry kinds and records only on chains of their role). */
const ACCEPTED_KINDS: ReadonlySet<TxKind> = new Set([
  TxKind.Transfer,
  TxKind.CrossTransfer,
  TxKind.Receive,
  TxKind.Noop,
  TxKind.Smallbank,
  TxKind.Stake,
  TxKind.Unstake,
  TxKind.Vote,
  TxKind.Evidence,
  TxKind.RegisterValidator,
  TxKind.RegisterChain,
  TxKind.UpdateChain,
  TxKind.Record,
  TxKind.Anchor,
  TxKind.EpochProof,
]);
