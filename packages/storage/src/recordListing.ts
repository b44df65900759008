import { concatBytes } from "@vshard/crypto";
import type { RecordNamespace, RecordRef } from "@vshard/types";
import { CHAIN_SHARD_KEY_LENGTH, recordNamespaceKey } from "./buckets.ts";
import type { ChainShard } from "./ledgerRepositories.ts";
import type { Repository, RepositoryRangeOptions } from "./repository.ts";

/** Where a listing of records starts and how many it gives at most. */
export interface RecordListOptions {
  /** Start after this id (exclusive; it need not be stored); from the first id when absent. */
  after?: Uint8Array;
  /** Most records returned, a positive integer. */
  limit: number;
}

/**
 * The records of one namespace of a chain shard in id byte order (shorter ids before their extensions), as
 * `LedgerDb.listRecords` serves them. A limit that is not a positive integer throws `RangeError`.
 */
export async function listRecordRange(
  records: Repository<ChainShard & RecordRef, Uint8Array>,
  where: ChainShard & { namespace: RecordNamespace },
  opts: RecordListOptions,
): Promise<Array<{ id: Uint8Array; value: Uint8Array }>> {
  if (!Number.isSafeInteger(opts.limit) || opts.limit < 1)
    throw new RangeError(`listRecords: limit must be a positive integer, got ${opts.limit}`);
  const prefix = recordNamespaceKey(where.chainId, where.shard, where.namespace);
  const range: RepositoryRangeOptions<ChainShard & RecordRef> = { prefix, limit: opts.limit };
  // The smallest id greater than `after` is `after` followed by a zero byte.
  if (opts.after) range.gte = { ...where, id: concatBytes(opts.after, Uint8Array.of(0)) };
  const out: Array<{ id: Uint8Array; value: Uint8Array }> = [];
  for await (const [key, value] of records.range(range))
    out.push({ id: key.slice(CHAIN_SHARD_KEY_LENGTH + 1), value });
  return out;
}
