import { type CertificateVerifier, certificateVerifiers } from "@vshard/consensus";
import { bytesEqual } from "@vshard/crypto";
import type { AnchorVerifier, Committee, MainChainRules } from "@vshard/engine";
import { TxKind } from "@vshard/types";
import type { ChainRuntime } from "./chainRuntime.ts";
import type { OwnTxSubmitter } from "./ownTxSubmitter.ts";

/** The committee a worker shard runs with, and where on the main chain it was fixed. */
export interface ShardCommitteeRecord {
  chainId: number;
  shard: number;
  plugin: string;
  committee: Committee;
  /** Main height of the last block whose data fixed the committee. */
  fixedAtHeight: number;
}

/** The committees of every worker shard this node knows, filled as the main chain fixes them. */
export class ShardCommitteeBook {
  private readonly records = new Map<string, ShardCommitteeRecord>();

  set(record: ShardCommitteeRecord): void {
    this.records.set(`${record.chainId}/${record.shard}`, record);
  }

  get(chainId: number, shard: number): ShardCommitteeRecord | undefined {
    return this.records.get(`${chainId}/${shard}`);
  }

  all(): ShardCommitteeRecord[] {
    return [...this.records.values()];
  }
}

/**
 * The main chain's check of an anchored shard header: the shard's committee must have been fixed at least
 * `anchorDelayBlocks` main blocks before (so every node executing this main block knows it, and all agree), the header
 * must name that committee's epoch, and its certificate must verify against that committee with the shard's plugin.
 */
export function createAnchorVerifier(
  book: ShardCommitteeBook,
  rules: MainChainRules,
  verifiers: Readonly<Record<string, CertificateVerifier>> = certificateVerifiers,
): AnchorVerifier {
  return (header, _chain, mainHeight) => {
    const record = book.get(header.chainId, header.shard);
    if (!record) return `no committee is known for chain ${header.chainId} shard ${header.shard}`;
    if (mainHeight < record.fixedAtHeight + rules.anchorDelayBlocks)
      return `the shard's committee was fixed at main height ${record.fixedAtHeight}; anchors are accepted from height ${record.fixedAtHeight + rules.anchorDelayBlocks}`;
    // bft and solo stamp their committee's epoch on every header; dpos stamps its own producer-schedule epoch.
    if (record.plugin !== "dpos" && header.epoch !== record.committee.epoch)
      return `the header names epoch ${header.epoch}, the shard's committee is epoch ${record.committee.epoch}'s`;
    const verify = verifiers[record.plugin];
    if (!verify) return `no certificate check for plugin '${record.plugin}'`;
    if (!verify(record.committee, { chainId: header.chainId, shard: header.shard }, header))
      return `the ${record.plugin} certificate does not verify against the epoch ${record.committee.epoch} committee`;
    return null;
  };
}

/**
 * Anchors the blocks this node proposed in a worker shard: each committed (final) block's header, certificate
 * included, goes to the main chain in an anchor tx signed by the node's key, once the main chain accepts anchors of
 * that shard (`accepting`). Returns the unsubscribe function.
 */
export function anchorOwnBlocks(
  shard: ChainRuntime,
  publicKey: Uint8Array,
  submitter: OwnTxSubmitter,
  accepting: () => boolean,
): () => void {
  return shard.chain.subscribe((e) => {
    if (e.type !== "block" || !e.block || !bytesEqual(e.block.header.proposer, publicKey)) return;
    if (!accepting()) return;
    const { header } = e.block;
    void submitter.submit(
      TxKind.Anchor,
      { header },
      `anchor of chain ${header.chainId} shard ${header.shard} height ${header.height}`,
    );
  });
}
