import { type CertificateVerifier, certificateVerifiers } from "@vshard/consensus";
import { bytesEqual } from "@vshard/crypto";
import type { AnchorVerifier, MainChainRules } from "@vshard/engine";
import { type Header, TxKind } from "@vshard/types";
import type { ChainRuntime } from "./chainRuntime.ts";
import type { OwnTxSubmitter } from "./ownTxSubmitter.ts";
import type { ShardCommitteeBook } from "./shardCommittees.ts";

/**
 * The main chain's check of an anchored shard header: the committee of the epoch its height belongs to must have been
 * fixed at least `anchorDelayBlocks` main blocks before (so every node executing this main block knows it, and all
 * agree), a rotating shard's header must name that epoch, and its certificate must verify against that committee with
 * the shard's plugin.
 */
export function createAnchorVerifier(
  book: ShardCommitteeBook,
  rules: MainChainRules,
  verifiers: Readonly<Record<string, CertificateVerifier>> = certificateVerifiers,
): AnchorVerifier {
  return (header, _chain, mainHeight) => {
    const schedule = book.get(header.chainId, header.shard);
    if (!schedule) return `no committee is known for chain ${header.chainId} shard ${header.shard}`;
    const epoch = schedule.epochOfHeight(header.height);
    const from = schedule.fixedAtHeight(epoch) + rules.anchorDelayBlocks;
    if (mainHeight < from)
      return `height ${header.height} is decided by epoch ${epoch}'s committee; its anchors are accepted from main height ${from}`;
    // bft and solo stamp their committee's epoch on every header; dpos stamps its own producer-schedule epoch.
    if (schedule.rotates && header.epoch !== epoch)
      return `the header names epoch ${header.epoch}, but height ${header.height} belongs to epoch ${epoch}`;
    const committee = schedule.knownCommittee(epoch);
    if (!committee)
      return `the epoch ${epoch} committee of chain ${header.chainId} shard ${header.shard} is not known`;
    const { plugin } = schedule.opts;
    const verify = verifiers[plugin];
    if (!verify) return `no certificate check for plugin '${plugin}'`;
    if (!verify(committee, { chainId: header.chainId, shard: header.shard }, header))
      return `the ${plugin} certificate does not verify against the epoch ${epoch} committee`;
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
  accepting: (header: Header) => boolean,
): () => void {
  return shard.chain.subscribe((e) => {
    if (e.type !== "block" || !e.block || !bytesEqual(e.block.header.proposer, publicKey)) return;
    const { header } = e.block;
    if (!accepting(header)) return;
    void submitter.submit(
      TxKind.Anchor,
      { header },
      `anchor of chain ${header.chainId} shard ${header.shard} height ${header.height}`,
    );
  });
}
