import type { ChainEvent, Logger, SubmitResult } from "@vshard/engine";
import { BODY_CID_LENGTH, type Header, TxKind, type TxPayloads } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { anchorHeader, anchorOwnBlocks } from "../../src/runtime/anchoring.ts";

const ME = new Uint8Array(32).fill(1);
const OTHER = new Uint8Array(32).fill(2);

/** A worker shard header of chain 1 shard 0 at `height`, proposed by `proposer`. */
function header(height: number, proposer = ME): Header {
  return {
    chainId: 1,
    shard: 0,
    height,
    parentHash: new Uint8Array(32).fill(height),
    stateRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32),
    bodyCid: new Uint8Array(BODY_CID_LENGTH),
    proposer,
    time: 1_000 + height,
    epoch: 0,
    certificate: Uint8Array.of(1),
  };
}

/** A chain that emits the events the test gives it, to whoever subscribed. */
class FakeChain {
  readonly listeners = new Set<(e: ChainEvent) => void>();
  subscribe(listener: (e: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: ChainEvent): void {
    for (const l of this.listeners) l(e);
  }
  /** Emits the commit of a block with header `h`. */
  commit(h: Header): void {
    this.emit({ type: "block", height: h.height, hash: h.parentHash, block: { header: h, txs: [] } });
  }
}

/** A submitter that records what it was asked to send. */
class RecordingSubmitter {
  readonly sent: Array<{ kind: TxKind; payload: unknown; what: string }> = [];
  submit<K extends TxKind>(kind: K, payload: TxPayloads[K], what: string): Promise<SubmitResult | null> {
    this.sent.push({ kind, payload, what });
    return Promise.resolve({ ok: true, hash: `h${this.sent.length}` });
  }
  heights(): number[] {
    return this.sent.map((s) => (s.payload as TxPayloads[TxKind.Anchor]).header.height);
  }
}

/** A logger that keeps its warnings. */
function recordingLogger(): Logger & { warnings: Array<{ context: object; message: string }> } {
  const warnings: Array<{ context: object; message: string }> = [];
  const logger = {
    warnings,
    debug() {},
    info() {},
    warn(context: object, message: string) {
      warnings.push({ context, message });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

/** Own-block anchoring over fake chains; the main chain accepts heights up to `open.upTo`. */
function setup(maxWaiting?: number) {
  const shard = new FakeChain();
  const main = new FakeChain();
  const submitter = new RecordingSubmitter();
  const logger = recordingLogger();
  const open = { upTo: 0 };
  let mainHeight = 0;
  const stop = anchorOwnBlocks(
    { publicKey: ME, accepting: (h) => h.height <= open.upTo, ...(maxWaiting ? { maxWaiting } : {}) },
    { shard, main, submitter, logger },
  );
  /** Opens the window up to `upTo` and emits a main block. */
  const mainBlock = (upTo = open.upTo) => {
    open.upTo = upTo;
    mainHeight++;
    main.emit({ type: "block", height: mainHeight, hash: new Uint8Array(32) });
  };
  return { shard, main, submitter, logger, open, mainBlock, stop };
}

describe("anchorHeader", () => {
  it("submits an anchor tx whose payload is the header, certificate included", async () => {
    const submitter = new RecordingSubmitter();
    const h = header(7);
    expect(await anchorHeader(submitter, h)).toEqual({ ok: true, hash: "h1" });
    expect(submitter.sent).toEqual([
      { kind: TxKind.Anchor, payload: { header: h }, what: "anchor of chain 1 shard 0 height 7" },
    ]);
  });
});

describe("anchorOwnBlocks", () => {
  it("anchors its own committed blocks at once when their window is open, and nothing else", () => {
    const { shard, submitter, open } = setup();
    open.upTo = 100;
    shard.commit(header(1));
    shard.commit(header(2, OTHER));
    shard.emit({ type: "finalized", height: 1, hash: new Uint8Array(32) });
    shard.commit(header(3));
    expect(submitter.heights()).toEqual([1, 3]);
  });

  it("keeps blocks whose window is not open, and anchors them in height order as main blocks open it", () => {
    const { shard, submitter, mainBlock } = setup();
    for (const h of [1, 2, 3, 4, 5]) shard.commit(header(h));
    expect(submitter.heights()).toEqual([]);
    mainBlock();
    expect(submitter.heights()).toEqual([]);
    mainBlock(3);
    expect(submitter.heights()).toEqual([1, 2, 3]);
    // A new block beyond the window waits; one inside it goes at once.
    shard.commit(header(6));
    mainBlock(4);
    expect(submitter.heights()).toEqual([1, 2, 3, 4]);
    mainBlock(10);
    expect(submitter.heights()).toEqual([1, 2, 3, 4, 5, 6]);
    // Each header is anchored once: later main blocks send nothing again.
    mainBlock(20);
    expect(submitter.heights()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps height order when a height arrives out of order", () => {
    const { shard, submitter, mainBlock } = setup();
    for (const h of [2, 4, 3, 1]) shard.commit(header(h));
    mainBlock(10);
    expect(submitter.heights()).toEqual([1, 2, 3, 4]);
  });

  it("caps the waiting blocks: drops new ones with one warning, and says how many once there is room", () => {
    const { shard, submitter, logger, mainBlock } = setup(3);
    for (const h of [1, 2, 3, 4, 5, 6]) shard.commit(header(h));
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].context).toMatchObject({ chainId: 1, shard: 0, height: 4, waiting: 3 });
    expect(logger.warnings[0].message).toMatch(/dropping new ones/);
    mainBlock(2);
    expect(submitter.heights()).toEqual([1, 2]);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[1].context).toEqual({ from: 4, to: 6, count: 3, waiting: 1 });
    // Room again: new blocks wait as before.
    shard.commit(header(7));
    mainBlock(10);
    expect(submitter.heights()).toEqual([1, 2, 3, 7]);
    expect(logger.warnings).toHaveLength(2);
  });

  it("sends nothing after it is stopped, and forgets the waiting blocks", () => {
    const { shard, main, submitter, mainBlock, stop } = setup();
    shard.commit(header(1));
    stop();
    expect(shard.listeners.size).toBe(0);
    expect(main.listeners.size).toBe(0);
    shard.commit(header(2));
    mainBlock(10);
    expect(submitter.heights()).toEqual([]);
  });
});
