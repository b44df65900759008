import { bytesToHex } from "@vshard/crypto";
import {
  type ChainEntry,
  type ChainOptions,
  type Committee,
  type CommitteeMember,
  defaultChainOptions,
  type Genesis,
  type ShardSortition,
  type ValidatorEntry,
} from "@vshard/engine";
import {
  addressFromPublicKey,
  decodeSchema,
  isShardAllowed,
  type ShardSpec,
  type WorkerChainSchema,
} from "@vshard/types";

/** What every worker chain's genesis holds besides its committee: the network's funded accounts, per shard. */
export interface WorkerGenesisRules {
  /** Accounts funded on every worker chain (in the shard the chain's assignment rule gives them). */
  accounts: Array<{ address: Uint8Array; balance: bigint }>;
  /** Stake each committee member of a `dpos` shard holds at its genesis (its self-bond as a producer candidate). */
  validatorStake: bigint;
  /** The network's DLFS chunk size (bytes): with the schema's compression it fixes how bodies are packed. */
  chunkSize: number;
}

/** Everything a node needs to run one worker shard: chain rules, genesis, plugin and committee. */
export interface WorkerShardSetup {
  chain: ChainOptions;
  genesis: Genesis;
  consensus: { name: string; params: Record<string, unknown> };
  committee: Committee;
  schema: WorkerChainSchema;
}

/**
 * The voting members of a shard's committee for an epoch: its witnesses in witness order, capped by the schema's
 * `committeeSize` (solo: exactly one); equal weight; BLS keys from the registry. The rest of the drawn committee
 * follows the shard without voting.
 */
export function committeeMembers(
  sortition: ShardSortition,
  spec: ShardSpec,
  validators: ReadonlyMap<string, ValidatorEntry>,
): CommitteeMember[] {
  const seats = spec.consensus.plugin === "solo" ? 1 : (spec.committeeSize ?? sortition.witnesses.length);
  return sortition.witnesses.slice(0, seats).map((id) => {
    const v = validators.get(bytesToHex(id));
    if (!v) throw new Error(`committee member ${bytesToHex(id)} is not a registered validator`);
    return { publicKey: v.publicKey, blsPublicKey: v.blsPublicKey, weight: 1 };
  });
}

/**
 * The setup of shard `shard` of a registered worker chain, the same on every node: its schema's limits, fees and
 * plugin; its committee = the epoch's witnesses for that shard (in sortition order, equal weight, BLS keys from the
 * registry); a genesis stamped at `time` whose authority is the first witness and whose accounts are the network's
 * worker allocations that live in this shard.
 */
export function workerShardSetup(input: {
  entry: ChainEntry;
  shard: number;
  sortition: ShardSortition;
  validators: ReadonlyMap<string, ValidatorEntry>;
  epoch: number;
  time: number;
  rules: WorkerGenesisRules;
}): WorkerShardSetup {
  const { entry, shard, sortition, validators, epoch, time, rules } = input;
  const schema = decodeSchema(entry.schema);
  const spec = schema.shards[shard];
  if (!spec) throw new RangeError(`chain ${entry.chainId} has no shard ${shard}`);
  if (sortition.witnesses.length === 0)
    throw new RangeError(`chain ${entry.chainId} shard ${shard} has no committee in epoch ${epoch}`);
  const members = committeeMembers(sortition, spec, validators);
  const chain: ChainOptions = {
    ...defaultChainOptions,
    chainId: entry.chainId,
    shard,
    maxBlockTxs: schema.limits.maxBlockTxs,
    maxBlockBytes: schema.limits.maxBlockBytes,
    blockIntervalMs: schema.limits.targetBlockIntervalMs,
    minFee: schema.fees.minFee,
    dlfs: {
      codec: schema.compression.codec,
      level: schema.compression.codec === "zstd" ? schema.compression.level : 0,
      chunkSize: rules.chunkSize,
    },
    schema,
  };
  const lives = (address: Uint8Array) => isShardAllowed(schema, address, shard);
  const genesis: Genesis = {
    chainId: entry.chainId,
    shard,
    time,
    authority: members[0].publicKey,
    accounts: rules.accounts
      .filter((a) => lives(a.address))
      .map((a) => ({ address: a.address, account: { balance: a.balance, nonce: 0 } })),
    validators:
      spec.consensus.plugin === "dpos"
        ? members
            .filter((m) => !rules.accounts.some((a) => bytesEqualHex(a.address, m.publicKey)))
            .map((m) => ({
              publicKey: m.publicKey,
              blsPublicKey: m.blsPublicKey,
              stake: rules.validatorStake,
            }))
        : [],
  };
  const interval = schema.limits.targetBlockIntervalMs;
  const params: Record<string, unknown> =
    spec.consensus.plugin === "dpos"
      ? { ...spec.consensus.params, slotMs: interval }
      : { ...spec.consensus.params, blockIntervalMs: interval };
  return {
    chain,
    genesis,
    consensus: { name: spec.consensus.plugin, params },
    committee: { epoch, members },
    schema,
  };
}

function bytesEqualHex(address: Uint8Array, publicKey: Uint8Array): boolean {
  return bytesToHex(address) === bytesToHex(addressFromPublicKey(publicKey));
}
