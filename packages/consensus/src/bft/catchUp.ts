import type { ConsensusApp, Logger } from "@vshard/engine";
import type { Block, Header } from "@vshard/types";

/**
 * Commits blocks received by block sync, lowest first: each must sit at head + 1 and carry a certificate that
 * verifies; the first that does not stops the batch (logged). Returns how many were committed.
 */
export async function applySyncedBlocks(
  app: ConsensusApp,
  blocks: Block[],
  modules: {
    verifyCertificate: (header: Header) => boolean;
    logger: Logger;
    from: string;
    /** The committee's epoch: a block of another epoch ends the batch (the next epoch's plugin syncs it). */
    epoch?: number;
  },
): Promise<number> {
  const { logger, from } = modules;
  let applied = 0;
  for (const block of blocks) {
    const height = block.header.height;
    const head = app.head().height;
    if (height <= head) continue;
    if (height !== head + 1) {
      logger.debug({ from, height, head }, "bft: synced blocks leave a gap; the rest dropped");
      break;
    }
    if (modules.epoch !== undefined && block.header.epoch !== modules.epoch) {
      logger.debug(
        { from, height, epoch: block.header.epoch },
        "bft: synced blocks reach another epoch; the rest left to it",
      );
      break;
    }
    if (!modules.verifyCertificate(block.header)) {
      logger.warn({ from, height }, "bft: synced block with a bad certificate dropped");
      break;
    }
    try {
      const assembled = await app.processProposal(block);
      await app.commitBlock(assembled);
      app.markFinalized(height);
      applied++;
    } catch (err) {
      logger.warn({ from, height, err }, "bft: synced block refused");
      break;
    }
  }
  return applied;
}
