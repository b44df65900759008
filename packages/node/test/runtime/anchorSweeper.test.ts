import { bytesToHex } from "@vshard/crypto";
import { anchoredHeaderRecordId, nullLogger, type SubmitResult } from "@vshard/engine";
import {
  BODY_CID_LENGTH,
  type Header,
  type Receipt,
  type RecordRef,
  TxKind,
  type TxPayloads,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { AnchorSweeper } from "../../src/runtime/anchorSweeper.ts";

function header(height: number): Header {
  return {
    chainId: 1,
    shard: 2,
    height,
    parentHash: new Uint8Array(32),
    stateRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32).fill(height),
    bodyCid: new Uint8Array(BODY_CID_LENGTH),
    proposer: new Uint8Array(32),
    time: height,
    epoch: 0,
    certificate: Uint8Array.of(1),
  };
}

const receipt = {} as Receipt;

/** A worker shard whose blocks `withReceipts` carry receipts, final up to `final`. */
function fakeShard(withReceipts: number[], final: number) {
  return {
    opts: { chainId: 1, shard: 2 },
    finalized: final,
    reads: [] as number[],
    finalizedHeight() {
      return this.finalized;
    },
    async listOutboxes(from: number, limit: number) {
      this.reads.push(from);
      return withReceipts
        .filter((h) => h >= from)
        .slice(0, limit)
        .map((height) => ({ height, receipts: [receipt] }));
    },
    async getBlock(height: number) {
      return { header: header(height), txs: [] };
    },
  };
}

/** The main chain: its anchored headers, by height, and its head height. */
function fakeMain(anchored: Set<number>) {
  return {
    height: 10,
    anchor(height: number) {
      anchored.add(height);
    },
    head() {
      return { height: this.height };
    },
    async getRecordValues(refs: RecordRef[]) {
      return refs.map((r) => {
        for (const h of anchored)
          if (bytesToHex(anchoredHeaderRecordId(1, 2, h)) === bytesToHex(r.id)) return Uint8Array.of(1);
        return null;
      });
    },
  };
}

class Submitter {
  readonly heights: number[] = [];
  submit<K extends TxKind>(kind: K, payload: TxPayloads[K]): Promise<SubmitResult | null> {
    if (kind === TxKind.Anchor) this.heights.push((payload as TxPayloads[TxKind.Anchor]).header.height);
    return Promise.resolve({ ok: true, hash: "h" });
  }
}

describe("AnchorSweeper", () => {
  it("anchors a final block with receipts that stayed acceptable and unanchored for the grace period, and nothing else", async () => {
    const anchored = new Set([3]);
    const main = fakeMain(anchored) as ReturnType<typeof fakeMain> & { head(): { height: number } };
    const submitter = new Submitter();
    const sweeper = new AnchorSweeper(
      { everyBlocks: 4, graceBlocks: 3 },
      { main: main as never, submitter, logger: nullLogger },
    );
    const shard = fakeShard([3, 5, 8, 9, 12], 10);
    const acceptable = new Set([5, 8]); // 9's anchor window is not open
    sweeper.add(shard, (h) => acceptable.has(h.height));
    // First seen unanchored at main height 10: its proposer gets the grace period.
    expect(await sweeper.sweep()).toBe(0);
    main.height = 12;
    expect(await sweeper.sweep()).toBe(0);
    main.height = 13;
    expect(await sweeper.sweep()).toBe(2);
    expect(submitter.heights).toEqual([5, 8]);
    // Not sent again within another grace period; once anchored, the cursor passes them.
    main.height = 14;
    expect(await sweeper.sweep()).toBe(0);
    main.anchor(5);
    main.anchor(8);
    main.anchor(9);
    shard.finalized = 12;
    await sweeper.sweep();
    await sweeper.sweep();
    expect(shard.reads.at(-1)).toBe(10);
    main.anchor(12);
    await sweeper.sweep();
    await sweeper.sweep();
    expect(shard.reads.at(-1)).toBe(13);
    expect(submitter.heights).toEqual([5, 8]);
  });

  it("sweeps only every `everyBlocks` main heights, one sweep at a time", async () => {
    const submitter = new Submitter();
    const sweeper = new AnchorSweeper(
      { everyBlocks: 4, graceBlocks: 3 },
      { main: fakeMain(new Set()) as never, submitter, logger: nullLogger },
    );
    const shard = fakeShard([1], 5);
    sweeper.add(shard, () => true);
    sweeper.onMainCommit(3);
    expect(shard.reads).toEqual([]);
    sweeper.onMainCommit(4);
    sweeper.onMainCommit(8); // the first sweep is still running: skipped
    await new Promise((r) => setImmediate(r));
    expect(shard.reads).toEqual([1]);
  });
});
