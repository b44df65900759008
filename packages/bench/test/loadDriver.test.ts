import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeValue } from "@vshard/types";
import { afterEach, describe, expect, it } from "vitest";
import { FinalityTracker } from "../src/runner/finalityTracker.ts";
import { type DriveOptions, driveLoad, type Pacing, type ReadyTx } from "../src/runner/loadDriver.ts";

const SENDERS = 3;
const BUSY = "TX_ERROR_NODE_BUSY";

/** Tx `i` of the test: sender `i % 3`, nonce `i / 3`; its "bytes" are just those two numbers. */
function testTxs(n: number): ReadyTx[] {
  return Array.from({ length: n }, (_, i) => ({
    bytes: Uint8Array.of(i % SENDERS, Math.floor(i / SENDERS)),
    hashHex: String(i),
  }));
}
const indexOf = (bytes: Uint8Array) => bytes[1] * SENDERS + bytes[0];

type TxAnswer = { ok: true } | { ok: false; code: string };
/** How the fake node answers one POST (its 1-based number, the tx indices in it): per tx, or whole. */
type Policy = (post: number, indices: number[]) => TxAnswer[] | { status: number; code: string };

/** A tiny stand-in for the node's `POST /v1/txs`: answers as `policy` says and records what it saw. */
class FakeNode {
  readonly posts: number[][] = [];
  /** Nonces each sender had accepted, in the order they were. */
  readonly acceptedBySender: number[][] = Array.from({ length: SENDERS }, () => []);
  /** Tx items answered busy (per tx or with the whole POST). */
  busyAnswers = 0;
  private server: Server | null = null;

  constructor(private readonly policy: Policy) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const items = decodeValue(new Uint8Array(Buffer.concat(chunks)), "txs") as Uint8Array[];
        const indices = items.map(indexOf);
        this.posts.push(indices);
        const answer = this.policy(this.posts.length, indices);
        const send = (status: number, body: object) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (!Array.isArray(answer)) {
          if (answer.code === BUSY) this.busyAnswers += indices.length;
          return send(answer.status, { code: answer.code, message: "refused" });
        }
        const results = answer.map((a, k) => {
          if (a.ok) this.acceptedBySender[items[k][0]].push(items[k][1]);
          else if (a.code === BUSY) this.busyAnswers++;
          return a.ok ? { index: k, ok: true } : { index: k, ok: false, code: a.code };
        });
        const failed = answer.filter((a) => !a.ok);
        if (failed.length === 0) return send(202, { accepted: results.length, rejected: 0, results });
        const allBusy = failed.every((a) => !a.ok && a.code === BUSY);
        send(allBusy ? 503 : 422, { code: "API_ERROR_BATCH_PARTIALLY_REJECTED", results });
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** How many times tx `i` was sent. */
  attempts(i: number): number {
    return this.posts.flat().filter((j) => j === i).length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const allOk = (indices: number[]): TxAnswer[] => indices.map(() => ({ ok: true }));
const allBusy = (indices: number[]): TxAnswer[] => indices.map(() => ({ ok: false, code: BUSY }));

/**
 * Busy in every shape the node uses, then ok: the whole POST refused with 503, every tx of a batch refused busy, a
 * batch whose first tx goes in and the rest are refused busy (the pool filled up during the batch).
 */
const busyThenOk: Policy = (post, indices) => {
  if (post === 1) return { status: 503, code: BUSY };
  if (post === 2 || post === 6) return allBusy(indices);
  if (post === 4) return indices.map((_, k) => (k === 0 ? { ok: true } : { ok: false, code: BUSY }));
  return allOk(indices);
};

let node: FakeNode | null = null;
afterEach(async () => {
  await node?.stop();
  node = null;
});

async function drive(policy: Policy, txs: ReadyTx[], pacing: Pacing, sendForMs = 60_000) {
  node = new FakeNode(policy);
  const url = await node.start();
  const opts: DriveOptions = { url, pacing, sendForMs, maxBatch: 4, maxConcurrentRequests: 1 };
  // Never started: only the saturation window reads it, and nothing becomes final here.
  const record = await driveLoad(txs, opts, new FinalityTracker(url));
  return { record, node };
}

/** Tx i planned 2·i ms after the start. */
const everyTwoMs = (n: number): Pacing => ({
  kind: "open",
  dueBy: (ms) => Math.min(n, Math.floor(ms / 2) + 1),
});

function expectAllAcceptedInNonceOrder(
  record: Awaited<ReturnType<typeof driveLoad>>,
  fake: FakeNode,
  n: number,
) {
  expect(record.sent).toBe(n);
  expect([...record.accepted]).toEqual(new Array(n).fill(1));
  expect(Object.fromEntries(record.rejectedByCode)).toEqual({});
  const perSender = Math.ceil(n / SENDERS);
  for (const nonces of fake.acceptedBySender)
    expect(nonces).toEqual(Array.from({ length: perSender }, (_, k) => k));
  // Every refusal was resent once more, and nothing else was sent twice.
  expect(record.busyRetries).toBe(fake.busyAnswers);
  expect(fake.posts.flat().length).toBe(n + record.busyRetries);
  for (const indices of fake.posts) expect(indices).toEqual([...indices].sort((a, b) => a - b));
}

describe("driveLoad against a node that is busy at first", () => {
  it("open loop: resends busy txs until all are accepted, in nonce order, with their planned times", async () => {
    const n = 12;
    const { record, node: fake } = await drive(busyThenOk, testTxs(n), everyTwoMs(n));
    expectAllAcceptedInNonceOrder(record, fake, n);
    expect(record.busyRetries).toBeGreaterThan(0);
    expect(fake.attempts(0)).toBeGreaterThanOrEqual(2);
    // The planned time is the schedule's, not when the resend went out.
    for (let i = 0; i < n; i++) {
      const offset = record.plannedAt[i] - record.startedAt;
      expect(offset).toBeGreaterThanOrEqual(2 * i);
      expect(offset).toBeLessThan(2 * i + 0.05);
    }
  });

  it("saturation: resends busy txs until all are accepted, in nonce order", async () => {
    const n = 15;
    const { record, node: fake } = await drive(busyThenOk, testTxs(n), { kind: "saturate", window: 100 });
    expectAllAcceptedInNonceOrder(record, fake, n);
    expect(record.busyRetries).toBeGreaterThan(0);
    expect(record.endedAt).toBeGreaterThanOrEqual(record.startedAt);
  });

  it("counts a tx refused for another reason as rejected and never resends it", async () => {
    const n = 9;
    const policy: Policy = (post, indices) => {
      if (post === 1) return { status: 400, code: "API_ERROR_BATCH_TOO_LARGE" };
      // A full mempool answers 503 too, but it is not "busy": the tx is refused for good.
      return indices.map((i) => (i === 7 ? { ok: false, code: "MEMPOOL_ERROR_FULL" } : { ok: true }));
    };
    const { record, node: fake } = await drive(policy, testTxs(n), everyTwoMs(n));
    const firstPost = fake.posts[0];
    expect(record.busyRetries).toBe(0);
    expect(fake.posts.flat().length).toBe(n);
    expect(Object.fromEntries(record.rejectedByCode)).toEqual({
      API_ERROR_BATCH_TOO_LARGE: firstPost.length,
      ...(firstPost.includes(7) ? {} : { MEMPOOL_ERROR_FULL: 1 }),
    });
    for (let i = 0; i < n; i++) expect(record.accepted[i]).toBe(firstPost.includes(i) || i === 7 ? 0 : 1);
  });

  for (const pacing of [
    { kind: "open", dueBy: () => 6 },
    { kind: "saturate", window: 100 },
  ] satisfies Pacing[])
    it(`${pacing.kind}: stops resending when the send window ends and counts what is left as rejected busy`, async () => {
      const n = 6;
      const { record, node: fake } = await drive(() => ({ status: 503, code: BUSY }), testTxs(n), pacing, 20);
      // The open loop's final pass sends every tx due; at saturation new txs wait behind the busy ones.
      if (pacing.kind === "open") expect(record.sent).toBe(n);
      expect([...record.accepted]).toEqual(new Array(n).fill(0));
      expect(Object.fromEntries(record.rejectedByCode)).toEqual({ [BUSY]: record.sent });
      expect(fake.posts.flat().length).toBe(record.sent + record.busyRetries);
    });
});
