import type { ConsensusApp } from "@vshard/engine";
import { decodeTuple, encodeTuple, expectUint } from "@vshard/types";

/** The consensus-data name of the last height and slot this node produced a block for. */
export const PRODUCED_KEY = "produced";

/**
 * Keeps an honest producer from signing two blocks for one height or slot, even across a restart that lost its
 * uncommitted blocks (which would otherwise be evidence against itself): it records each height and slot before it
 * publishes, and refuses to produce at or below them.
 */
export class ProductionGuard {
  private last = { height: -1, slot: -1 };

  constructor(private readonly app: Pick<ConsensusApp, "loadConsensusData" | "saveConsensusData">) {}

  /** Reads what was recorded before a restart (a malformed record counts as none). */
  async load(): Promise<void> {
    const bytes = await this.app.loadConsensusData(PRODUCED_KEY);
    if (!bytes) return;
    try {
      const [height, slot] = decodeTuple(bytes, 2, "dpos produced");
      this.last = { height: expectUint(height, "produced.height"), slot: expectUint(slot, "produced.slot") };
    } catch {
      this.last = { height: -1, slot: -1 };
    }
  }

  /** Whether a block at this height and slot would be this node's first for both. */
  mayProduce(height: number, slot: number): boolean {
    return height > this.last.height && slot > this.last.slot;
  }

  /** Records a height and slot as produced (stored before the block leaves the node). */
  async record(height: number, slot: number): Promise<void> {
    this.last = { height, slot };
    await this.app.saveConsensusData(PRODUCED_KEY, encodeTuple([height, slot]));
  }
}
