import { bytesEqual, bytesToHex, EMPTY_MERKLE_ROOT } from "@vshard/crypto";
import { bodyCidOf, type ChainHead, defaultDlfsLayout, type LedgerDb } from "@vshard/storage";
import { type Block, encodeBody, headerHash, type RecordEntry, ZERO_HASH } from "@vshard/types";
import { GenesisError } from "../errors.ts";
import { recordStateKey, recordValueHashOf } from "../execution/recordStateKey.ts";
import { genesisRegistryRecords } from "../registry/genesisRegistry.ts";
import { EMPTY_STATE_ROOT, SparseMerkleTree } from "../state/index.ts";
import { stateKeyOf, stateValueHashOf } from "./assembleBlock.ts";
import type { ChainOptions } from "./chainOptions.ts";
import { type Genesis, genesisAccounts } from "./genesis.ts";

/**
 * The genesis block of a chain, the state-tree nodes of its initial accounts (validators' included) and records (a
 * main chain's registry: `genesisRegistryRecords`), and those records (deterministic).
 */
export async function buildGenesisBlock(
  genesis: Genesis,
  // The update starts from the empty tree, so it reads no node; a chain passes its own tree to warm its cache.
  tree = new SparseMerkleTree({ get: async () => null }),
): Promise<{ block: Block; stateNodes: Array<[Uint8Array, Uint8Array]>; records: RecordEntry[] }> {
  const records = genesisRegistryRecords(genesis);
  const updates = genesisAccounts(genesis).map((a) => ({
    key: stateKeyOf(a.address),
    valueHash: stateValueHashOf(a.account),
  }));
  for (const r of records)
    updates.push({ key: recordStateKey(r.namespace, r.id), valueHash: recordValueHashOf(r.value) });
  const { root, newNodes } = await tree.update(EMPTY_STATE_ROOT, updates);
  const block: Block = {
    header: {
      chainId: genesis.chainId,
      shard: genesis.shard,
      height: 0,
      parentHash: ZERO_HASH,
      stateRoot: root,
      txRoot: EMPTY_MERKLE_ROOT,
      receiptRoot: EMPTY_MERKLE_ROOT,
      // Every genesis packs its empty body with the default layout, so a genesis hash never depends on options.
      bodyCid: bodyCidOf(encodeBody([]), defaultDlfsLayout),
      proposer: genesis.authority,
      time: genesis.time,
      epoch: 0,
      certificate: new Uint8Array(0),
    },
    txs: [],
  };
  return { block, stateNodes: newNodes, records };
}

/**
 * Commits the genesis block into an empty data folder, or checks that the folder holds this genesis. Returns the
 * head to resume from and its block time.
 */
export async function commitGenesis(
  opts: ChainOptions,
  genesis: Genesis,
  db: LedgerDb,
  tree?: SparseMerkleTree,
): Promise<{ head: ChainHead; time: number }> {
  if (genesis.chainId !== opts.chainId || genesis.shard !== opts.shard)
    throw new GenesisError(
      { code: "GENESIS_ERROR_INVALID", path: "$.chainId" },
      `genesis is for chain ${genesis.chainId} shard ${genesis.shard}, the node runs chain ${opts.chainId} shard ${opts.shard}`,
    );
  const { block, stateNodes, records } = await buildGenesisBlock(genesis, tree);
  const hash = headerHash(block.header);
  const existing = await db.getHead(opts.chainId, opts.shard);
  if (existing) {
    const stored = await db.getHashByHeight(opts.chainId, opts.shard, 0);
    if (!stored || !bytesEqual(stored, hash))
      throw new GenesisError(
        { code: "GENESIS_ERROR_INVALID", path: "$" },
        `the data folder holds chain ${opts.chainId} shard ${opts.shard} with genesis ${stored ? bytesToHex(stored) : "(none)"}, ` +
          `not the configured genesis ${bytesToHex(hash)}: use another data folder or the genesis it was created with`,
      );
    const header = await db.getHeader(existing.hash);
    return { head: existing, time: header?.time ?? genesis.time };
  }
  await db.commitBlock({
    chainId: opts.chainId,
    shard: opts.shard,
    block,
    blockHash: hash,
    accounts: genesisAccounts(genesis),
    records,
    stateNodes,
    stateCheckpoint: { height: 0, root: block.header.stateRoot },
    receipts: [],
  });
  return { head: { height: 0, hash, stateRoot: block.header.stateRoot }, time: genesis.time };
}
