import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH, ed25519Sign, sha256 } from "@vshard/crypto";
import { ADDRESS_LENGTH, MAX_CHAIN_ID, MAX_SHARD_ID } from "./address.ts";
import {
  amountToWire,
  decodeTuple,
  decodeValue,
  encodeTuple,
  expectAmount,
  expectBytes,
  expectTuple,
  expectUint,
} from "./codec.ts";
import {
  type CrossTransferPayload,
  crossTransferPayloadFromTuple,
  crossTransferPayloadToTuple,
  type ReceivePayload,
  receivePayloadFromTuple,
  receivePayloadToTuple,
} from "./crossShardPayloads.ts";
import { CodecError } from "./errors.ts";
import {
  type AnchorPayload,
  anchorPayloadFromTuple,
  anchorPayloadToTuple,
  type EpochProofPayload,
  epochProofPayloadFromTuple,
  epochProofPayloadToTuple,
  type RegisterChainPayload,
  type RegisterValidatorPayload,
  registerChainPayloadFromTuple,
  registerChainPayloadToTuple,
  registerValidatorPayloadFromTuple,
  registerValidatorPayloadToTuple,
  type UpdateChainPayload,
  updateChainPayloadFromTuple,
  updateChainPayloadToTuple,
} from "./mainChainPayloads.ts";
import { type RecordPayload, recordPayloadFromTuple, recordPayloadToTuple } from "./recordPayload.ts";
import { type SmallbankPayload, smallbankPayloadFromTuple, smallbankPayloadToTuple } from "./smallbank.ts";
import {
  amountPayloadFromTuple,
  amountPayloadToTuple,
  type EvidencePayload,
  evidencePayloadFromTuple,
  evidencePayloadToTuple,
  type StakePayload,
  type UnstakePayload,
  type VotePayload,
  votePayloadFromTuple,
  votePayloadToTuple,
} from "./stakingPayloads.ts";

/**
 * Transaction kinds. Numbers are part of the encoding: a retired number is never reused.
 * RegisterValidator, RegisterChain, UpdateChain, Anchor and EpochProof are main-chain kinds; Record is a worker
 * chain's own kind (its payload is checked against the chain's schema).
 */
export enum TxKind {
  Transfer = 0,
  /** Debits the sender here and appends a receipt for another shard or chain to the block's outbox. */
  CrossTransfer = 1,
  /** Credits a receipt from another shard's anchored outbox (sent by a relay; no nonce, no fee). */
  Receive = 2,
  /** Locks part of the balance as stake. */
  Stake = 3,
  /** Unlocks stake back into the balance (no unbonding delay yet). */
  Unstake = 4,
  /** Replaces the sender's votes for block-producer candidates. */
  Vote = 5,
  /** Registers the sender as a validator: BLS key with proof of possession, VRF key, locked deposit. */
  RegisterValidator = 6,
  /** Registers a worker chain from its canonical schema encoding. */
  RegisterChain = 7,
  /** Replaces a worker chain's schema by a new version. */
  UpdateChain = 8,
  /** One record of a worker chain's schema record type. */
  Record = 9,
  /** Only a nonce bump and a fee: measures the pipeline's own cost. */
  Noop = 10,
  /** One operation of the Smallbank benchmark on the sender's (and maybe a second customer's) record. */
  Smallbank = 11,
  /** Proof that a producer signed two blocks at one height: its stake is slashed (burned). */
  Evidence = 12,
  /** A worker shard's certified header, anchored on the main chain. */
  Anchor = 13,
  /** A VRF proof for an epoch: an epoch seed contribution or a sortition ticket. */
  EpochProof = 14,
}

/** Moves `amount` from the sender's sub-account to `to` in the same shard. */
export interface TransferPayload {
  to: Uint8Array;
  amount: bigint;
}

/** The payload of a noop tx: nothing (encoded as the empty tuple). */
export type NoopPayload = Record<string, never>;

/** The payload of each kind. */
export interface TxPayloads {
  [TxKind.Transfer]: TransferPayload;
  [TxKind.CrossTransfer]: CrossTransferPayload;
  [TxKind.Receive]: ReceivePayload;
  [TxKind.Noop]: NoopPayload;
  [TxKind.Smallbank]: SmallbankPayload;
  [TxKind.Stake]: StakePayload;
  [TxKind.Unstake]: UnstakePayload;
  [TxKind.Vote]: VotePayload;
  [TxKind.Evidence]: EvidencePayload;
  [TxKind.RegisterValidator]: RegisterValidatorPayload;
  [TxKind.RegisterChain]: RegisterChainPayload;
  [TxKind.UpdateChain]: UpdateChainPayload;
  [TxKind.Record]: RecordPayload;
  [TxKind.Anchor]: AnchorPayload;
  [TxKind.EpochProof]: EpochProofPayload;
}

/** An unsigned transaction. `sender` is the ed25519 public key that signs it. */
export type Tx = {
  [K in TxKind]: {
    chainId: number;
    shard: number;
    kind: K;
    sender: Uint8Array;
    nonce: number;
    fee: bigint;
    payload: TxPayloads[K];
  };
}[TxKind];

/** The unsigned tx of one kind. */
export type TxOfKind<K extends TxKind> = Extract<Tx, { kind: K }>;

/** A transaction with its ed25519 signature over `txHash(tx)`. */
export interface SignedTx {
  tx: Tx;
  signature: Uint8Array;
}

function payloadToTuple(tx: Tx): unknown[] {
  switch (tx.kind) {
    case TxKind.Transfer:
      return [tx.payload.to, amountToWire(tx.payload.amount)];
    case TxKind.CrossTransfer:
      return crossTransferPayloadToTuple(tx.payload);
    case TxKind.Receive:
      return receivePayloadToTuple(tx.payload);
    case TxKind.Noop:
      return [];
    case TxKind.Smallbank:
      return smallbankPayloadToTuple(tx.payload);
    case TxKind.Stake:
    case TxKind.Unstake:
      return amountPayloadToTuple(tx.payload);
    case TxKind.Vote:
      return votePayloadToTuple(tx.payload);
    case TxKind.Evidence:
      return evidencePayloadToTuple(tx.payload);
    case TxKind.RegisterValidator:
      return registerValidatorPayloadToTuple(tx.payload);
    case TxKind.RegisterChain:
      return registerChainPayloadToTuple(tx.payload);
    case TxKind.UpdateChain:
      return updateChainPayloadToTuple(tx.payload);
    case TxKind.Record:
      return recordPayloadToTuple(tx.payload);
    case TxKind.Anchor:
      return anchorPayloadToTuple(tx.payload);
    case TxKind.EpochProof:
      return epochProofPayloadToTuple(tx.payload);
  }
}

function payloadFromTuple(kind: TxKind, value: unknown): TxPayloads[TxKind] {
  switch (kind) {
    case TxKind.Transfer: {
      const [to, amount] = expectTuple(value, 2, "tx.payload");
      return {
        to: expectBytes(to, "tx.payload.to", ADDRESS_LENGTH),
        amount: expectAmount(amount, "tx.payload.amount"),
      };
    }
    case TxKind.CrossTransfer:
      return crossTransferPayloadFromTuple(value, "tx.payload");
    case TxKind.Receive:
      return receivePayloadFromTuple(value, "tx.payload");
    case TxKind.Noop:
      expectTuple(value, 0, "tx.payload");
      return {};
    case TxKind.Smallbank:
      return smallbankPayloadFromTuple(value, "tx.payload");
    case TxKind.Stake:
    case TxKind.Unstake:
      return amountPayloadFromTuple(value, "tx.payload");
    case TxKind.Vote:
      return votePayloadFromTuple(value, "tx.payload");
    case TxKind.Evidence:
      return evidencePayloadFromTuple(value, "tx.payload");
    case TxKind.RegisterValidator:
      return registerValidatorPayloadFromTuple(value, "tx.payload");
    case TxKind.RegisterChain:
      return registerChainPayloadFromTuple(value, "tx.payload");
    case TxKind.UpdateChain:
      return updateChainPayloadFromTuple(value, "tx.payload");
    case TxKind.Record:
      return recordPayloadFromTuple(value, "tx.payload");
    case TxKind.Anchor:
      return anchorPayloadFromTuple(value, "tx.payload");
    case TxKind.EpochProof:
      return epochProofPayloadFromTuple(value, "tx.payload");
  }
}

/** The canonical tuple of an unsigned tx: [chainId, shard, kind, sender, nonce, fee, payload]. */
export function txToTuple(tx: Tx): unknown[] {
  return [tx.chainId, tx.shard, tx.kind, tx.sender, tx.nonce, amountToWire(tx.fee), payloadToTuple(tx)];
}

/** Reads an unsigned tx from its decoded tuple. */
export function txFromTuple(value: unknown): Tx {
  const [chainId, shard, kind, sender, nonce, fee, payload] = expectTuple(value, 7, "tx");
  const k = expectUint(kind, "tx.kind");
  if (!(k in TxKind))
    throw new CodecError({ code: "CODEC_ERROR_OUT_OF_RANGE", what: "tx.kind" }, `tx.kind: unknown kind ${k}`);
  return {
    chainId: expectUint(chainId, "tx.chainId", MAX_CHAIN_ID),
    shard: expectUint(shard, "tx.shard", MAX_SHARD_ID),
    kind: k as TxKind,
    sender: expectBytes(sender, "tx.sender", ED25519_PUBLIC_KEY_LENGTH),
    nonce: expectUint(nonce, "tx.nonce"),
    fee: expectAmount(fee, "tx.fee"),
    payload: payloadFromTuple(k, payload),
  } as Tx;
}

/** Canonical bytes of an unsigned tx (what is hashed and signed). */
export function encodeTx(tx: Tx): Uint8Array {
  return encodeTuple(txToTuple(tx));
}

/** Decodes an unsigned tx; malformed bytes throw `CodecError`. */
export function decodeTx(bytes: Uint8Array): Tx {
  return txFromTuple(decodeTuple(bytes, 7, "tx"));
}

/** The tx id: sha256 of its canonical encoding. */
export function txHash(tx: Tx): Uint8Array {
  return sha256(encodeTx(tx));
}

/** Signs a tx with the sender's 32-byte ed25519 seed. */
export function signTx(tx: Tx, secretKey: Uint8Array): SignedTx {
  return { tx, signature: ed25519Sign(txHash(tx), secretKey) };
}

/** Canonical tuple of a signed tx: [tx tuple, signature]. */
export function signedTxToTuple(stx: SignedTx): unknown[] {
  return [txToTuple(stx.tx), stx.signature];
}

/** Reads a signed tx from its decoded tuple. */
export function signedTxFromTuple(value: unknown): SignedTx {
  const [tx, signature] = expectTuple(value, 2, "signedTx");
  return {
    tx: txFromTuple(tx),
    signature: expectBytes(signature, "signedTx.signature", ED25519_SIGNATURE_LENGTH),
  };
}

/** Canonical bytes of a signed tx (the wire and storage form). */
export function encodeSignedTx(stx: SignedTx): Uint8Array {
  return encodeTuple(signedTxToTuple(stx));
}

/** Decodes a signed tx; malformed bytes throw `CodecError`. */
export function decodeSignedTx(bytes: Uint8Array): SignedTx {
  return signedTxFromTuple(decodeTuple(bytes, 2, "signedTx"));
}

/** Canonical bytes of a batch of signed txs: an array of their encodings (what clients POST as application/msgpack). */
export function encodeTxBatch(stxs: SignedTx[]): Uint8Array {
  return encodeTuple(stxs.map(encodeSignedTx));
}

/**
 * Decodes either one signed tx or a batch made by `encodeTxBatch`; malformed bytes throw `CodecError`.
 * A signed tx is a 2-tuple whose first field is a tuple, a batch an array of byte strings: the two never collide.
 */
export function decodeTxSubmission(bytes: Uint8Array): { txs: WireTx[]; batch: boolean } {
  const value = decodeValue(bytes, "txs");
  if (Array.isArray(value) && value.every((v) => v instanceof Uint8Array)) {
    const txs = value.map((item, i) => {
      try {
        return decodeWireTx(item);
      } catch (err) {
        if (err instanceof CodecError) throw new CodecError(err.type, `txs[${i}]: ${err.message}`);
        throw err;
      }
    });
    return { txs, batch: true };
  }
  return { txs: [decodeWireTx(bytes)], batch: false };
}

/** A signed tx decoded from the wire with what its bytes already give: its hash and encoded size. */
export interface WireTx {
  stx: SignedTx;
  hash: Uint8Array;
  size: number;
}

/** Bytes after the tx tuple in a canonical signed tx: bin8 header (0xc4, 64) and the 64-byte signature. */
const SIGNATURE_SUFFIX_LENGTH = 2 + ED25519_SIGNATURE_LENGTH;

/**
 * Decodes a signed tx and hashes the tx tuple straight from the input, which the canonical check has proven equal
 * to `encodeTx(tx)` (a one-byte array header, the tuple, the signature): no re-encoding on the hot path.
 */
export function decodeWireTx(bytes: Uint8Array): WireTx {
  const stx = decodeSignedTx(bytes);
  const hash = sha256(bytes.subarray(1, bytes.length - SIGNATURE_SUFFIX_LENGTH));
  return { stx, hash, size: bytes.length };
}
