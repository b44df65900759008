import type { ChainHead, LedgerDb, RecordListOptions } from "@vshard/storage";
import {
  type Account,
  decodeSmallbankRecord,
  EMPTY_ACCOUNT,
  EMPTY_SMALLBANK_RECORD,
  RecordNamespace,
  type SmallbankRecord,
} from "@vshard/types";
import { recordStateKey } from "../execution/recordStateKey.ts";
import type { SparseMerkleTree, StateProof } from "../state/index.ts";
import { stateKeyOf } from "./assembleBlock.ts";

/** An account's committed state (empty when never written) with its inclusion or absence proof against `head`. */
export interface AccountWithProof {
  account: Account;
  proof: StateProof;
  head: ChainHead;
}

/** A record's committed value bytes (null: never written) with its inclusion or absence proof against `head`. */
export interface RecordWithProof {
  value: Uint8Array | null;
  proof: StateProof;
  head: ChainHead;
}

/** A Smallbank customer's committed record (zeros when never written) with its proof against `head`. */
export interface SmallbankWithProof {
  record: SmallbankRecord;
  proof: StateProof;
  head: ChainHead;
}

/** A committed record of one namespace, as listed. */
export interface ListedRecord {
  id: Uint8Array;
  value: Uint8Array;
}

/**
 * Reads the committed state of one chain shard for the API: an account or a record with its proof against a head's
 * state root, typed views of records (Smallbank), and listings of a namespace. The caller picks the head and keeps
 * commits out while a proof is made (ShardChain's lock).
 */
export class StateReader {
  private readonly where: { chainId: number; shard: number };
  private readonly db: LedgerDb;
  private readonly tree: SparseMerkleTree;

  constructor(where: { chainId: number; shard: number }, modules: { db: LedgerDb; tree: SparseMerkleTree }) {
    this.where = { chainId: where.chainId, shard: where.shard };
    this.db = modules.db;
    this.tree = modules.tree;
  }

  /** An account as of `head` (the committed head) with its proof against `head.stateRoot`. */
  async account(head: ChainHead, address: Uint8Array): Promise<AccountWithProof> {
    const [stored, proof] = await Promise.all([
      this.db.getAccount(this.where.chainId, this.where.shard, address),
      this.tree.prove(head.stateRoot, stateKeyOf(address)),
    ]);
    return { account: stored ?? { ...EMPTY_ACCOUNT }, proof, head };
  }

  /** A record's value as of `head` (the committed head) with its proof against `head.stateRoot`. */
  async record(head: ChainHead, namespace: RecordNamespace, id: Uint8Array): Promise<RecordWithProof> {
    const [[value], proof] = await Promise.all([
      this.db.getRecords(this.where.chainId, this.where.shard, [{ namespace, id }]),
      this.tree.prove(head.stateRoot, recordStateKey(namespace, id)),
    ]);
    return { value, proof, head };
  }

  /** A Smallbank customer's record (zeros when never written) with its proof. */
  async smallbank(head: ChainHead, address: Uint8Array): Promise<SmallbankWithProof> {
    const { value, proof } = await this.record(head, RecordNamespace.Smallbank, address);
    const record = value === null ? { ...EMPTY_SMALLBANK_RECORD } : decodeSmallbankRecord(value);
    return { record, proof, head };
  }

  /** Committed records of `namespace` in id byte order, after the id `after`, at most `limit` of them. */
  list(namespace: RecordNamespace, opts: RecordListOptions): Promise<ListedRecord[]> {
    return this.db.listRecords(this.where.chainId, this.where.shard, namespace, opts);
  }
}
