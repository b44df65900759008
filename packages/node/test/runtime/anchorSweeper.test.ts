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

/** The main chain's anchored headers, by height. */
function fakeMain(anchored: Set<number>) {
  return {
    anchor(height: number) {
      anchored.add(height);
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
  it("anchors the final blocks with receipts that nobody anchored once they are overdue, and nothing else", async () => {
    const anchored = new Set([3]);
    const main = fakeMain(anchored);
    const submitter = new Submitter();
    const sweeper = new AnchorSweeper({ everyBlocks: 4 }, { main, submitter, logger: nullLogger });
    const shard = fakeShard([3, 5, 8, 12], 10);
    const overdue = new Set([5, 8]);
    sweeper.add(shard, (h) => overdue.has(h.height));
    // 3 is anchored, 5 and 8 overdue, 12 not final yet.
    expect(await sweeper.sweep()).toBe(2);
    expect(submitter.heights).toEqual([5, 8]);
    // Once anchored, the next sweep starts above them and sends nothing again.
    main.anchor(5);
    main.anchor(8);
    shard.finalized = 12;
    expect(await sweeper.sweep()).toBe(0);
    expect(shard.reads.at(-1)).toBe(4);
    main.anchor(12);
    await sweeper.sweep();
    await sweeper.sweep();
    expect(shard.reads.at(-1)).toBe(13);
    expect(submitter.heights).toEqual([5, 8]);
  });

  it("sweeps only every `everyBlocks` main heights, one sweep at a time", async () => {
    const submitter = new Submitter();
    const sweeper = new AnchorSweeper(
      { everyBlocks: 4 },
      { main: fakeMain(new Set()), submitter, logger: nullLogger },
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
