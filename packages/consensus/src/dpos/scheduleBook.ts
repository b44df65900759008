import { bytesToHex } from "@vshard/crypto";
import { type AssembledBlock, type ConsensusApp, electProducers, type Logger } from "@vshard/engine";
import { addressFromPublicKey } from "@vshard/types";
import type { TreeBlock } from "./blockTree.ts";
import { DposError } from "./options.ts";
import { decodeSchedule, electionHeight, encodeSchedule, scheduleKey } from "./schedule.ts";

/**
 * Committed schedules kept in memory below the newest one: blocks above the committed head need only the newest and
 * later ones; two more cover a head that has just crossed an election block. Older ones are reloaded from disk if asked.
 */
const KEPT_PAST_EPOCHS = 2;

/**
 * The producer schedules of every epoch a node may need: those elected from committed blocks (kept in memory and
 * stored with `saveConsensusData` so that a restarted node knows them), and those elected from blocks still in the
 * fork tree (by the hash of the election block, on that block's branch).
 */
export class ScheduleBook {
  private readonly candidates: Array<{ publicKey: Uint8Array; address: Uint8Array }>;
  private readonly committed = new Map<number, Uint8Array[]>();
  /** Schedules elected from uncommitted blocks, by the election block's hash. */
  private readonly speculative = new Map<string, { height: number; schedule: Uint8Array[] }>();

  constructor(
    private readonly opts: { producers: number; epochLength: number },
    private readonly modules: { app: ConsensusApp; candidates: Uint8Array[]; logger: Logger },
  ) {
    const seen = new Set<string>();
    this.candidates = [];
    for (const publicKey of modules.candidates) {
      const hex = bytesToHex(publicKey);
      if (seen.has(hex)) continue;
      seen.add(hex);
      this.candidates.push({ publicKey, address: addressFromPublicKey(publicKey) });
    }
  }

  /**
   * The schedule of `epoch` for a block whose parent branch above the committed head is `branch` (oldest first): from
   * the committed schedules when its election block is committed, else elected on the branch (and cached).
   */
  async scheduleFor(epoch: number, branch: readonly TreeBlock<AssembledBlock>[]): Promise<Uint8Array[]> {
    const height = electionHeight(epoch, this.opts.epochLength);
    if (height <= this.modules.app.head().height) return this.committedSchedule(epoch);
    const at = branch.findIndex((b) => b.height === height);
    if (at < 0)
      throw new DposError(
        { code: "DPOS_ERROR_NO_SCHEDULE" },
        `dpos: the election block ${height} of epoch ${epoch} is neither committed nor on the branch`,
      );
    const block = branch[at];
    const cached = this.speculative.get(block.hash);
    if (cached) return cached.schedule;
    const schedule = await this.elect(branch.slice(0, at + 1).map((b) => b.data));
    this.speculative.set(block.hash, { height, schedule });
    return schedule;
  }

  /** The schedule of an epoch whose election block is committed; elected now if that block is the committed head. */
  async committedSchedule(epoch: number): Promise<Uint8Array[]> {
    const known = this.committed.get(epoch);
    if (known) return known;
    const stored = await this.modules.app.loadConsensusData(scheduleKey(epoch));
    if (stored) {
      const schedule = decodeSchedule(stored);
      this.committed.set(epoch, schedule);
      return schedule;
    }
    const height = electionHeight(epoch, this.opts.epochLength);
    if (height === this.modules.app.head().height) return this.electCommitted(epoch);
    throw new DposError(
      { code: "DPOS_ERROR_NO_SCHEDULE" },
      `dpos: no stored schedule for epoch ${epoch}, and its election block ${height} is no longer the head`,
    );
  }

  /**
   * Called after the election block of `epoch` was committed: the committed state is exactly that block's state, so
   * the schedule is elected from it and stored. Forgets what is no longer needed.
   */
  async electCommitted(epoch: number): Promise<Uint8Array[]> {
    const schedule = await this.elect(undefined);
    await this.modules.app.saveConsensusData(scheduleKey(epoch), encodeSchedule(schedule));
    this.committed.set(epoch, schedule);
    for (const e of this.committed.keys()) if (e < epoch - KEPT_PAST_EPOCHS) this.committed.delete(e);
    this.modules.logger.info(
      { epoch, producers: schedule.map((k) => bytesToHex(k).slice(0, 16)) },
      "dpos: producers elected",
    );
    return schedule;
  }

  /** Drops cached schedules of blocks that were committed or pruned. */
  forget(hashes: Iterable<string>, committedHeight: number): void {
    for (const h of hashes) this.speculative.delete(h);
    for (const [hash, s] of this.speculative) if (s.height <= committedHeight) this.speculative.delete(hash);
  }

  private async elect(ancestors: AssembledBlock[] | undefined): Promise<Uint8Array[]> {
    const accounts = await this.modules.app.getAccounts(
      this.candidates.map((c) => c.address),
      ancestors,
    );
    const elected = electProducers(
      this.candidates.map((c, i) => ({ ...c, account: accounts[i] })),
      this.opts.producers,
    );
    if (elected.length === 0)
      this.modules.logger.error(
        {},
        "dpos: no eligible candidate (candidate flag and stake > 0): the chain halts",
      );
    return elected.map((c) => c.publicKey);
  }
}
