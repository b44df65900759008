import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ShardFinality } from "../src/index.ts";

/** A stand-in for one node's chain-scoped event streams: it records the paths asked for and lets the test push events. */
class FakeStreams {
  readonly paths: string[] = [];
  private readonly open = new Map<string, ServerResponse>();
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = req.url ?? "";
      this.paths.push(url);
      const shard = /^\/v1\/chains\/1\/shards\/(\d+)\/events\?txs=hashes$/.exec(url)?.[1];
      if (shard === undefined || shard === "9") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "SHARD_NOT_FOUND", message: "no such shard" }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": connected\n\n");
      this.open.set(shard, res);
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Shard `shard` commits a block at `height` holding `txs`, then finalises it. */
  commit(shard: number, height: number, txs: string[]): void {
    const res = this.open.get(String(shard));
    res?.write(`event: block\ndata: ${JSON.stringify({ height, hash: "00", txCount: txs.length, txs })}\n\n`);
    res?.write(`event: finalized\ndata: ${JSON.stringify({ height })}\n\n`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

let fake: FakeStreams | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

describe("ShardFinality", () => {
  it("follows every shard on its chain-scoped stream and reads them as one source", async () => {
    fake = new FakeStreams();
    const url = await fake.start();
    const finality = new ShardFinality(url, 1, 2);
    await finality.start();
    expect(fake.paths.sort()).toEqual([
      "/v1/chains/1/shards/0/events?txs=hashes",
      "/v1/chains/1/shards/1/events?txs=hashes",
    ]);
    const steps: number[] = [];
    const stop = finality.onProgress(() => steps.push(finality.finalCount()));
    const done = finality.waitFor(() => finality.finalCount() === 3, 5_000);
    fake.commit(0, 1, ["a", "b"]);
    fake.commit(1, 1, ["c"]);
    expect(await done).toBe(true);
    stop();
    expect(steps.at(-1)).toBe(3);
    for (const h of ["a", "b", "c"]) expect(finality.finalTime(h)).toBeGreaterThan(0);
    expect(finality.finalTime("d")).toBeUndefined();
    expect(finality.streams.map((s) => [s.shard, s.tracker.finalOrder])).toEqual([
      [0, ["a", "b"]],
      [1, ["c"]],
    ]);
    expect(await finality.waitFor(() => finality.finalCount() > 3, 50)).toBe(false);
    await finality.stop();
  });

  it("fails to start when a node refuses a shard's stream, quoting its answer", async () => {
    fake = new FakeStreams();
    const url = await fake.start();
    const finality = new ShardFinality(url, 1, 10);
    await expect(finality.start()).rejects.toThrow(
      'event stream /v1/chains/1/shards/9/events refused: HTTP 404 {"code":"SHARD_NOT_FOUND","message":"no such shard"}',
    );
    await finality.stop();
  });
});
