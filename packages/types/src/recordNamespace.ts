/**
 * Namespaces of the records kept beside accounts in a chain shard's state: each record is a (namespace, id bytes) →
 * value bytes entry whose value is the canonical encoding its owner module chooses. Numbers are part of the storage
 * keys and of the state-tree key domains (the on-disk format): a retired number is never reused.
 */
export enum RecordNamespace {
  /** A Smallbank customer; id: the customer's 20-byte address; value: `encodeSmallbankRecord`. */
  Smallbank = 1,
  /** A registered validator (main chain); id: the validator's 32-byte ed25519 public key. */
  Validator = 2,
  /** Who owns a VRF key (main chain), so that no key serves two validators; id: the VRF public key; value: its owner. */
  VrfKey = 3,
  /** A registered chain (main chain); id: the chain id as u32be. */
  Chain = 4,
  /** A chain name taken (main chain), so that names stay unique; id: the utf8 name. */
  ChainName = 5,
  /** The last header anchored for a worker chain shard (main chain); id: u32be chainId || u16be shard. */
  AnchorHead = 6,
  /** A worker chain shard header anchored on the main chain; id: u32be chainId || u16be shard || u64be height. */
  AnchoredHeader = 7,
  /** A worker-chain schema record; id chosen by the record module. */
  SchemaRecord = 8,
  /** A proof kept for an epoch (main chain); id: u64be epoch || purpose byte || validator public key. */
  EpochProof = 9,
  /** A named counter (main chain); id: the utf8 counter name, e.g. "nextChainId". */
  Counter = 10,
  /**
   * A receipt this shard consumed (credited, or routed on by the main chain); id: u32be source chainId || u16be
   * source shard || the 32-byte receipt id. Spent ids are kept per source shard; a receipt is consumed once.
   */
  SpentReceipt = 11,
  /** This shard's running receipt totals (amounts sent out in receipts, amounts consumed); id: the utf8 total name. */
  ReceiptTotal = 12,
}

/** Names one record of a chain shard's state: its namespace and its id bytes (the namespace says what the id is). */
export interface RecordRef {
  namespace: RecordNamespace;
  id: Uint8Array;
}

/** A record with its value: the canonical encoding its namespace's owner module chooses. */
export interface RecordEntry extends RecordRef {
  value: Uint8Array;
}
