import { type CertificateVerifier, certificateVerifiers } from "@vshard/consensus";
import { bytesEqual } from "@vshard/crypto";
import type { AnchorVerifier, Logger, MainChainRules, ShardChain, SubmitResult } from "@vshard/engine";
import { type Header, TxKind } from "@vshard/types";
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
 * Builds the anchor tx of one worker shard header (its certificate included) and submits it to the main chain with
 * `submitter`'s key: the one place an anchor tx is made, for a proposer anchoring its own blocks and for a relay
 * anchoring anyone's. Resolves to the admission result, or null when it could not be sent.
 */
export function anchorHeader(
  submitter: Pick<OwnTxSubmitter, "submit">,
  header: Header,
): Promise<SubmitResult | null> {
  return submitter.submit(
    TxKind.Anchor,
    { header },
    `anchor of chain ${header.chainId} shard ${header.shard} height ${header.height}`,
  );
}

/**
 * Most own headers one shard keeps waiting for their anchor window. A header is a few hundred bytes (roots, a BLS
 * certificate), so the cap is a few MB per shard; at one shard block a second it covers close to three hours of a
 * main chain that does not advance. Past it new headers are dropped (anyone may still anchor them later).
 */
export const MAX_WAITING_ANCHORS = 10_000;

/** What `anchorOwnBlocks` anchors and when. */
export interface OwnBlockAnchoringOptions {
  /** The node's key: the blocks it proposed are the ones it anchors. */
  publicKey: Uint8Array;
  /** Whether the main chain's next block accepts an anchor of this header (its epoch's anchor window is open). */
  accepting: (header: Header) => boolean;
  /** Most headers kept waiting for their window (default `MAX_WAITING_ANCHORS`). */
  maxWaiting?: number;
}

/** What `anchorOwnBlocks` listens to and sends with. */
export interface OwnBlockAnchoringModules {
  /** The worker shard's chain: its committed blocks. */
  shard: Pick<ShardChain, "subscribe">;
  /** The main chain: each new block may open an anchor window. */
  main: Pick<ShardChain, "subscribe">;
  submitter: Pick<OwnTxSubmitter, "submit">;
  logger: Logger;
}

/**
 * Anchors the blocks this node proposed in a worker shard: each committed block's header goes to the main chain
 * (`anchorHeader`) as soon as the main chain accepts it (`accepting`). A header whose window is not open yet waits,
 * in height order, and is re-checked on each new main-chain block; the headers that became acceptable are then sent
 * in height order. At most `maxWaiting` wait: past that, new headers are dropped with a warning. Returns the
 * unsubscribe function (the waiting headers are forgotten).
 */
export function anchorOwnBlocks(
  opts: OwnBlockAnchoringOptions,
  modules: OwnBlockAnchoringModules,
): () => void {
  const { publicKey, accepting, maxWaiting = MAX_WAITING_ANCHORS } = opts;
  const { submitter, logger } = modules;
  let waiting: Header[] = [];
  // Headers dropped since the queue last had room: the first and last height, and how many.
  let dropped: { from: number; to: number; count: number } | null = null;

  const sendAcceptable = () => {
    if (waiting.length === 0) return;
    const ready: Header[] = [];
    const keep: Header[] = [];
    for (const header of waiting) (accepting(header) ? ready : keep).push(header);
    if (ready.length === 0) return;
    waiting = keep;
    for (const header of ready) void anchorHeader(submitter, header);
    if (dropped !== null && waiting.length < maxWaiting) {
      logger.warn({ ...dropped, waiting: waiting.length }, "own blocks waiting to be anchored again");
      dropped = null;
    }
  };

  const wait = (header: Header) => {
    if (waiting.length >= maxWaiting) {
      if (dropped === null) {
        dropped = { from: header.height, to: header.height, count: 0 };
        logger.warn(
          { chainId: header.chainId, shard: header.shard, height: header.height, waiting: waiting.length },
          "too many own blocks wait for their anchor window: dropping new ones until the main chain accepts some",
        );
      }
      dropped.to = header.height;
      dropped.count++;
      return;
    }
    // Blocks commit in height order, so this is an append but for a re-committed height.
    let i = waiting.length;
    while (i > 0 && waiting[i - 1].height > header.height) i--;
    waiting.splice(i, 0, header);
  };

  const offShard = modules.shard.subscribe((e) => {
    if (e.type !== "block" || !e.block || !bytesEqual(e.block.header.proposer, publicKey)) return;
    wait(e.block.header);
    sendAcceptable();
  });
  const offMain = modules.main.subscribe((e) => {
    if (e.type === "block") sendAcceptable();
  });
  return () => {
    offShard();
    offMain();
    waiting = [];
  };
}
