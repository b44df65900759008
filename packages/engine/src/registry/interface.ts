import type { EpochProofPurpose, Header, WorkerChainSchema } from "@vshard/types";
import type { ReceiptSourceLoader, ReceiptSources } from "../crossShard/interface.ts";
import type { TxErrorCode } from "../errors.ts";
import type { MainChainRules } from "./options.ts";
import type {
  AnchoredHeaderEntry,
  AnchorHeadEntry,
  ChainEntry,
  EpochProofEntry,
  ValidatorEntry,
} from "./registryEntries.ts";

/**
 * The main chain's check of an anchored worker shard header's certificate, given the registered chain and the main
 * height of the block executing the anchor: null when it verifies, else why not. Must be deterministic over committed
 * main-chain data (every node executing the block must agree).
 */
export type AnchorVerifier = (header: Header, chain: ChainEntry, mainHeight: number) => string | null;

/** What a chain is beyond its limits: the main chain (`main`), a worker chain shard (`schema`), or neither. */
export interface ChainRoles {
  main?: MainChainRules;
  schema?: WorkerChainSchema;
  /** Checks anchors (main chain only); absent: every anchor is refused. */
  anchorVerifier?: AnchorVerifier;
  /**
   * Reads what a worker shard's receives need from the main chain (notarised source blocks, the registry's shards);
   * absent on a worker shard: receives are refused. The main chain reads its own state instead.
   */
  receiptSources?: ReceiptSourceLoader;
}

/** What executing a block's registry and record txs needs beyond the txs and the state read. */
export interface ExecutionContext extends ChainRoles {
  /** Height of the block being executed. */
  height: number;
  /** A worker shard's receipt sources for this block, read before execution (`ChainRoles.receiptSources`). */
  sources?: ReceiptSources;
}

/** Why a tx is refused: a `TxError` code and a message naming what is at fault. */
export interface TxFailure {
  code: TxErrorCode;
  message: string;
}

/** An epoch proof with the validator that published it (the last part of its record id). */
export interface EpochProofEntryWithKey extends EpochProofEntry {
  validator: Uint8Array;
}

/** A read-only view of the main chain's registry (the committed head's records). */
export interface RegistryReader {
  getChain(chainId: number): Promise<ChainEntry | null>;
  /** Every registered worker chain, by chain id. */
  listChains(): Promise<ChainEntry[]>;
  getValidator(publicKey: Uint8Array): Promise<ValidatorEntry | null>;
  /** Every registered validator, by public key byte order. */
  listValidators(): Promise<ValidatorEntry[]>;
  anchorHead(chainId: number, shard: number): Promise<AnchorHeadEntry | null>;
  anchoredHeader(chainId: number, shard: number, height: number): Promise<AnchoredHeaderEntry | null>;
  /** Every proof published for an epoch and purpose, sorted by validator key. */
  epochProofs(epoch: number, purpose: EpochProofPurpose): Promise<EpochProofEntryWithKey[]>;
}
