import { nullLogger } from "@vshard/engine";
import { cidOfBytes, LedgerDb, MemoryKvStore } from "@vshard/storage";
import { encodeHeader, expectUint, type Header, headerHash, ZERO_HASH } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { HEADERS_OP, MAX_HEADERS_PER_ANSWER } from "../../src/dlfs/headerService.ts";
import { DEFAULT_RPC_TIMEOUT_MS, PeerRpc } from "../../src/dlfs/peerRpc.ts";
import { SimNetwork } from "../../src/network/simNetwork.ts";
import { Simulator } from "../../src/network/simulator.ts";
import { clockOf } from "../../src/runtime/cluster.ts";
import { type FollowedShard, HeaderFollower } from "../../src/runtime/headerFollower.ts";

const MAIN: FollowedShard = { chainId: 0, shard: 0 };

/** A hash-linked chain of `length` headers (genesis parent: zero), distinct per chain, shard and `salt`. */
function buildChain(length: number, at: FollowedShard = MAIN, salt = 0): Header[] {
  const headers: Header[] = [];
  let parentHash: Uint8Array = ZERO_HASH;
  for (let height = 0; height < length; height++) {
    const fill = (tag: number) => new Uint8Array(32).fill((height + tag + salt) % 256);
    const header: Header = {
      chainId: at.chainId,
      shard: at.shard,
      height,
      parentHash,
      stateRoot: fill(1),
      txRoot: fill(2),
      receiptRoot: fill(3),
      bodyCid: cidOfBytes(Uint8Array.of(at.chainId, at.shard, salt, height % 256, height >> 8)),
      proposer: fill(4),
      time: 1_000 + height,
      epoch: 0,
      certificate: Uint8Array.of(height % 256),
    };
    headers.push(header);
    parentHash = headerHash(header);
  }
  return headers;
}

/** What a fake full node answers for `[chainId, shard, from, count]`: encoded headers, or any list of values. */
type Answerer = (at: FollowedShard, from: number, count: number) => unknown[];

/** Serves chains as an honest full node does: from `from`, at most `count` and at most 512 headers. */
function honest(chains: Header[][]): Answerer {
  return (at, from, count) => {
    const chain = chains.find((c) => c[0]?.chainId === at.chainId && c[0]?.shard === at.shard) ?? [];
    return chain.slice(from, from + Math.min(count, MAX_HEADERS_PER_ANSWER)).map(encodeHeader);
  };
}

/** A simulated network with a light node's endpoint and fake full nodes that log the requests they get. */
function setup(seed = 1) {
  const sim = new Simulator({ seed, startTime: 0 });
  const net = new SimNetwork(sim, { latencyMs: 5, jitterMs: 5, lossRate: 0 });
  const endpoint = (id: string) =>
    new PeerRpc(
      { timeoutMs: DEFAULT_RPC_TIMEOUT_MS },
      { transport: net.join(id), clock: clockOf(sim, id), logger: nullLogger },
    );
  const asked: Array<{ peer: string; chainId: number; shard: number; from: number; count: number }> = [];
  const fullNode = (id: string, answer: Answerer) => {
    endpoint(id).handle(HEADERS_OP, async (_from, [chainId, shard, from, count]) => {
      const request = {
        chainId: expectUint(chainId, "chainId"),
        shard: expectUint(shard, "shard"),
        from: expectUint(from, "from"),
        count: expectUint(count, "count"),
      };
      asked.push({ peer: id, ...request });
      return [answer(request, request.from, request.count)];
    });
  };
  const light = endpoint("light");

  /** Runs virtual time until `work` settles (it may need message delivery and RPC timeouts). */
  const drive = <T>(work: Promise<T>): Promise<T> => sim.settle(work);

  const follower = (db: LedgerDb, fullNodes: string[], shards: FollowedShard[] = [MAIN]) =>
    new HeaderFollower({ shards, fullNodes }, { db, rpc: light, logger: nullLogger });
  return { sim, net, fullNode, asked, drive, follower };
}

const newDb = () => LedgerDb.create({ store: new MemoryKvStore() });

/** Every header stored for `at` at heights 0..`upTo` equals `chain`'s, and the head is `chain[upTo]`. */
async function expectStored(db: LedgerDb, chain: Header[], upTo: number, at: FollowedShard = MAIN) {
  for (let h = 0; h <= upTo; h++)
    expect(await db.getHeaderByHeight(at.chainId, at.shard, h)).toEqual(chain[h]);
  expect(await db.getHeaderByHeight(at.chainId, at.shard, upTo + 1)).toBeNull();
  expect(await db.getHead(at.chainId, at.shard)).toEqual({
    height: upTo,
    hash: headerHash(chain[upTo]),
    stateRoot: chain[upTo].stateRoot,
  });
}

async function expectNothingStored(db: LedgerDb, at: FollowedShard = MAIN) {
  expect(await db.getHead(at.chainId, at.shard)).toBeNull();
  expect(await db.getHeaderByHeight(at.chainId, at.shard, 0)).toBeNull();
}

/** Rogue answers, each wrong in one way, over an honest chain. */
const ROGUES: Array<[string, (chain: Header[]) => Answerer]> = [
  [
    "a broken parent link",
    (chain) => (_at, from, count) => {
      const headers = chain.slice(from, from + count).map((h) => ({ ...h }));
      headers[3] = { ...headers[3], parentHash: new Uint8Array(32).fill(9) };
      return headers.map(encodeHeader);
    },
  ],
  [
    "a genesis with a non-zero parent",
    (chain) => () => [encodeHeader({ ...chain[0], parentHash: headerHash(chain[1]) })],
  ],
  [
    "another chain's headers",
    () => (_at, from, count) =>
      buildChain(10, { chainId: 7, shard: 0 })
        .slice(from, from + count)
        .map(encodeHeader),
  ],
  [
    "another shard's headers",
    () => (_at, from, count) =>
      buildChain(10, { chainId: 0, shard: 1 })
        .slice(from, from + count)
        .map(encodeHeader),
  ],
  [
    "a height gap",
    (chain) => (_at, from, count) =>
      chain
        .slice(from, from + count)
        .filter((h) => h.height !== 4)
        .map(encodeHeader),
  ],
  [
    "headers that do not start at the height asked",
    (chain) => (_at, from, count) => chain.slice(from + 1, from + 1 + count).map(encodeHeader),
  ],
  ["garbage bytes", () => () => [Uint8Array.of(0xc1, 0x00, 0x13, 0x37)]],
  ["a header cut short", (chain) => () => [encodeHeader(chain[0]).subarray(0, 40)]],
  ["values that are not bytes", () => () => [42, "header", null]],
];

describe("HeaderFollower", () => {
  it("stores a full node's headers, advances its head, and resumes from it after a restart", async () => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(30);
    const served = chain.slice(0, 20);
    fullNode("full-0", honest([served]));
    const store = new MemoryKvStore();
    const db = await LedgerDb.create({ store });
    const first = follower(db, ["full-0"]);
    await first.load();
    expect(first.head(0, 0)).toBeNull();
    expect(await drive(first.syncOnce())).toBe(20);
    expect(first.head(0, 0)).toEqual({
      height: 19,
      hash: headerHash(chain[19]),
      stateRoot: chain[19].stateRoot,
    });
    await expectStored(db, chain, 19);
    expect(asked.map((a) => a.from)).toEqual([0]);
    expect(asked[0]).toMatchObject({ chainId: 0, shard: 0, count: MAX_HEADERS_PER_ANSWER });
    // Nothing new: one request, nothing added.
    expect(await drive(first.syncOnce())).toBe(0);
    expect(asked.map((a) => a.from)).toEqual([0, 20]);

    // The chain grows; a new follower over the same store (a restart) asks from its stored head on.
    served.push(...chain.slice(20));
    asked.length = 0;
    const restarted = follower(await LedgerDb.create({ store }), ["full-0"]);
    expect(restarted.head(0, 0)).toBeNull();
    await restarted.load();
    expect(restarted.head(0, 0)?.height).toBe(19);
    expect(await drive(restarted.syncOnce())).toBe(10);
    expect(asked.map((a) => a.from)).toEqual([20]);
    expect(restarted.head(0, 0)?.hash).toEqual(headerHash(chain[29]));
    await expectStored(db, chain, 29);
  });

  it("follows several shards and says which it follows", async () => {
    const { fullNode, drive, follower } = setup();
    const other: FollowedShard = { chainId: 3, shard: 2 };
    const main = buildChain(12);
    const second = buildChain(7, other);
    fullNode("full-0", honest([main, second]));
    const db = await newDb();
    const f = follower(db, ["full-0"], [MAIN, other]);
    expect(await drive(f.syncOnce())).toBe(19);
    await expectStored(db, main, 11);
    await expectStored(db, second, 6, other);
    expect(f.follows(3, 2)).toBe(true);
    expect(f.follows(3, 1)).toBe(false);
    expect(f.head(3, 1)).toBeNull();
  });

  it.each(ROGUES)("refuses %s, storing nothing", async (_name, rogue) => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(10);
    fullNode("rogue", rogue(chain));
    const db = await newDb();
    const f = follower(db, ["rogue"]);
    expect(await drive(f.syncOnce())).toBe(0);
    expect(f.head(0, 0)).toBeNull();
    expect(asked.map((a) => a.peer)).toEqual(["rogue"]);
    await expectNothingStored(db);
  });

  it.each(ROGUES)("after %s, asks the next full node and stores its honest headers", async (_name, rogue) => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(10);
    fullNode("rogue", rogue(chain));
    fullNode("full-1", honest([chain]));
    const db = await newDb();
    const f = follower(db, ["rogue", "full-1"]);
    expect(await drive(f.syncOnce())).toBe(10);
    expect(asked.map((a) => a.peer)).toEqual(["rogue", "full-1"]);
    await expectStored(db, chain, 9);
  });

  it("refuses a rogue's headers that do not extend the stored head (a fork)", async () => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(20);
    const fork = buildChain(20, MAIN, 1);
    const served = chain.slice(0, 10);
    fullNode("full-0", honest([served]));
    fullNode("rogue", honest([fork]));
    const db = await newDb();
    expect(await drive(follower(db, ["full-0"]).syncOnce())).toBe(10);
    served.push(...chain.slice(10));
    asked.length = 0;
    // The rogue serves heights 10.. of another chain: their parent is not the stored head.
    const f = follower(db, ["rogue", "full-0"]);
    await f.load();
    expect(await drive(f.syncOnce())).toBe(10);
    expect(asked.map((a) => [a.peer, a.from])).toEqual([
      ["rogue", 10],
      ["full-0", 10],
    ]);
    await expectStored(db, chain, 19);
  });

  it("moves on to the next full node when one does not answer (after the RPC timeout)", async () => {
    const { sim, net, fullNode, asked, drive, follower } = setup();
    const chain = buildChain(8);
    fullNode("down", honest([chain]));
    fullNode("full-1", honest([chain]));
    net.crash("down");
    const db = await newDb();
    const start = sim.now();
    expect(await drive(follower(db, ["down", "full-1"]).syncOnce())).toBe(8);
    expect(sim.now() - start).toBeGreaterThanOrEqual(DEFAULT_RPC_TIMEOUT_MS);
    expect(asked.map((a) => a.peer)).toEqual(["full-1"]);
    await expectStored(db, chain, 7);
  });

  it("fetches more than 512 headers over several answers", async () => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(1_200);
    fullNode("full-0", honest([chain]));
    const db = await newDb();
    const f = follower(db, ["full-0"]);
    expect(await drive(f.syncOnce())).toBe(1_200);
    expect(asked.map((a) => a.from)).toEqual([0, 512, 1_024]);
    expect(f.head(0, 0)?.height).toBe(1_199);
    expect(await db.getHeaderByHeight(0, 0, 511)).toEqual(chain[511]);
    expect(await db.getHeaderByHeight(0, 0, 512)).toEqual(chain[512]);
    expect(await db.getHeaderByHeight(0, 0, 1_199)).toEqual(chain[1_199]);
    expect(await db.getHead(0, 0)).toMatchObject({ height: 1_199, hash: headerHash(chain[1_199]) });
  });

  it("a chain of exactly 512 headers takes one more request to learn there is no more", async () => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(MAX_HEADERS_PER_ANSWER);
    fullNode("full-0", honest([chain]));
    const db = await newDb();
    expect(await drive(follower(db, ["full-0"]).syncOnce())).toBe(MAX_HEADERS_PER_ANSWER);
    expect(asked.map((a) => a.from)).toEqual([0, MAX_HEADERS_PER_ANSWER]);
  });

  it("keeps what an honest node gave before it turned rogue, and finishes from the next one", async () => {
    const { fullNode, asked, drive, follower } = setup();
    const chain = buildChain(600);
    const good = honest([chain]);
    // Honest for the first answer, then a broken parent link.
    fullNode("flaky", (at, from, count) =>
      from === 0
        ? good(at, from, count)
        : chain
            .slice(from, from + count)
            .map((h, i) => encodeHeader(i === 1 ? { ...h, parentHash: ZERO_HASH } : h)),
    );
    fullNode("full-1", good);
    const db = await newDb();
    const f = follower(db, ["flaky", "full-1"]);
    expect(await drive(f.syncOnce())).toBe(600);
    expect(asked.map((a) => [a.peer, a.from])).toEqual([
      ["flaky", 0],
      ["flaky", 512],
      ["full-1", 512],
    ]);
    expect(await db.getHead(0, 0)).toMatchObject({ height: 599, hash: headerHash(chain[599]) });
  });
});
