import { concatBytes, u64be } from "@vshard/crypto";
import type { EpochProofPurpose } from "@vshard/types";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** 4-byte big-endian encoding of a uint32 (chain ids: keys iterate in numeric order). */
export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** 2-byte big-endian encoding of a uint16 (shard ids). */
export function u16be(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value);
  return out;
}

/** Id of a validator's record (ns Validator): its ed25519 public key. */
export function validatorRecordId(publicKey: Uint8Array): Uint8Array {
  return publicKey;
}

/** Id of a VRF key's owner record (ns VrfKey): the VRF public key. */
export function vrfKeyRecordId(vrfPublicKey: Uint8Array): Uint8Array {
  return vrfPublicKey;
}

/** Id of a chain's record (ns Chain): u32be(chainId). */
export function chainRecordId(chainId: number): Uint8Array {
  return u32be(chainId);
}

/** Id of a chain name's record (ns ChainName): the utf8 name. */
export function chainNameRecordId(name: string): Uint8Array {
  return utf8(name);
}

/** Name of the counter (ns Counter) that holds the next worker chain id (absent: 1). */
export const NEXT_CHAIN_ID_COUNTER = "nextChainId";

/** Id of a named counter's record (ns Counter): the utf8 name. */
export function counterRecordId(name: string): Uint8Array {
  return utf8(name);
}

/** Id of a worker shard's anchor head (ns AnchorHead): u32be(chainId) || u16be(shard). */
export function anchorHeadRecordId(chainId: number, shard: number): Uint8Array {
  return concatBytes(u32be(chainId), u16be(shard));
}

/** Id of an anchored worker shard header (ns AnchoredHeader): u32be(chainId) || u16be(shard) || u64be(height). */
export function anchoredHeaderRecordId(chainId: number, shard: number, height: number): Uint8Array {
  return concatBytes(u32be(chainId), u16be(shard), u64be(height));
}

/** Common prefix of the epoch proofs of one epoch and purpose: u64be(epoch) || u8(purpose). */
export function epochProofPrefix(epoch: number, purpose: EpochProofPurpose): Uint8Array {
  return concatBytes(u64be(epoch), Uint8Array.of(purpose));
}

/** Id of a validator's epoch proof (ns EpochProof): u64be(epoch) || u8(purpose) || publicKey. */
export function epochProofRecordId(
  epoch: number,
  purpose: EpochProofPurpose,
  publicKey: Uint8Array,
): Uint8Array {
  return concatBytes(epochProofPrefix(epoch, purpose), publicKey);
}
