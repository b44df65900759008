import { createEd25519Signer, type Ed25519KeyPair } from "@vshard/crypto";
import type { AssembledBlock, ConsensusApp, Logger } from "@vshard/engine";
import { headerHash } from "@vshard/types";
import { ProductionGuard } from "./productionGuard.ts";

/** Where this node's block for a slot goes. */
export interface ProductionSlot {
  slot: number;
  height: number;
  epoch: number;
  /** Slot start: the block's time. */
  time: number;
  /** The best branch above the committed head, oldest first (the block extends its last). */
  ancestors: AssembledBlock[];
}

/**
 * Builds and signs this node's blocks: one per slot it was given, never a second one for a height or slot it signed
 * before (the guard survives restarts), none without txs when empty blocks are off. With the `doubleProduce` fault it
 * signs a second, different block (time + 1 ms, same slot) on purpose.
 */
export class BlockProducer {
  private readonly guard: ProductionGuard;
  /** Signs headers through node:crypto (~70 µs against ~1 ms for noble). */
  private readonly sign: (hash: Uint8Array) => Uint8Array;

  constructor(
    private readonly opts: { emptyBlocks: boolean; doubleProduce: boolean },
    private readonly modules: { app: ConsensusApp; keys: Ed25519KeyPair; logger: Logger },
  ) {
    this.guard = new ProductionGuard(modules.app);
    const signer = createEd25519Signer(modules.keys.secretKey);
    this.sign = (hash) => signer.sign(hash);
  }

  /** Reads what this node signed before a restart. */
  load(): Promise<void> {
    return this.guard.load();
  }

  /** The signed blocks to publish for a slot of this node (none, one, or two under the fault). */
  async produce(at: ProductionSlot): Promise<AssembledBlock[]> {
    if (!this.guard.mayProduce(at.height, at.slot)) return [];
    const { app, keys, logger } = this.modules;
    const build = (time: number) =>
      app.prepareProposal({ proposer: keys.publicKey, time, epoch: at.epoch, ancestors: at.ancestors });
    const first = await build(at.time);
    if (first.block.txs.length === 0 && !this.opts.emptyBlocks) return [];
    await this.guard.record(at.height, at.slot);
    const out = [first];
    if (this.opts.doubleProduce) {
      logger.warn(
        { height: at.height, slot: at.slot },
        "dpos: fault injection: a second block for this slot",
      );
      out.push(await build(at.time + 1));
    }
    for (const a of out) a.block.header.certificate = this.sign(headerHash(a.block.header));
    return out;
  }
}
