import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesToHex } from "@vshard/crypto";
import { MAIN_CHAIN_ID, nullLogger } from "@vshard/engine";
import {
  ApiClient,
  ApiClientError,
  type CarImportResult,
  clockOf,
  defaultNodeApiOptions,
  NetworkNode,
  networkValidator,
} from "@vshard/node";
import { cidToString, decodeCar } from "@vshard/storage";
import { addressFromPublicKey, type Block, headerHash, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, vshard } from "../../packages/node/test/cli/cliRunner.ts";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { tempDir } from "../helpers/testNetwork.ts";
import { httpTestNetwork, signedFor } from "../sharding/fixtures.ts";

const BLOCKS = 100;

/**
 * A CAR of 100 main-chain blocks, exported over HTTP by a simulated validator, imported over HTTP by a fresh node (its
 * own folder and keys, no network): the fresh node reaches the exporter's block 100; tampered copies are refused.
 */
describe("CAR export and import between nodes", () => {
  let run: SimNetworkRun;
  let exporter: NetworkNode;
  const fresh: Array<{ node: NetworkNode; cleanup: () => Promise<void> }> = [];
  let car: Uint8Array;
  let transfers = 0;

  /** A node of the same network that validates nothing and talks to no peer: only its API. */
  async function freshNode(name: string): Promise<NetworkNode> {
    const dir = await tempDir(`car-${name}`);
    const keys = networkValidator(9_999, fresh.length);
    const node = await NetworkNode.create(
      {
        dataDir: dir.path,
        api: { ...defaultNodeApiOptions, host: "127.0.0.1", port: 0 },
        keys: keys.keys,
        blsKeys: keys.bls,
        vrf: keys.vrf,
        verifyThreads: 0,
        logLevel: "info",
        network: run.cluster.config,
      },
      { logger: nullLogger, clock: clockOf(run.sim, name) },
    );
    fresh.push({ node, cleanup: dir.cleanup });
    await node.start();
    return node;
  }

  beforeAll(async () => {
    run = await startSimNetwork(httpTestNetwork(23, [], { validators: 1, witnessesPerCommittee: 1 }));
    exporter = run.cluster.running()[0].node;
    const [from, to] = run.clients;
    // A few transfers every ten blocks, so that bodies of several sizes are in the range.
    while (exporter.main.chain.head().height < BLOCKS) {
      const height = exporter.main.chain.head().height;
      for (let i = 0; i < 3; i++) {
        const stx = await signedFor(exporter, from, {
          chainId: MAIN_CHAIN_ID,
          shard: 0,
          kind: TxKind.Transfer,
          fee: 1n,
          payload: { to: addressFromPublicKey(to.publicKey), amount: 5n },
        });
        const [result] = await exporter.submitTxs([stx]);
        if (result.ok) transfers++;
      }
      expect(await run.runUntil(() => exporter.main.chain.head().height >= height + 10, 10_000)).toBe(true);
    }
    car = await new ApiClient(exporter.url()).exportCar(MAIN_CHAIN_ID, 0, 1, BLOCKS);
  }, 120_000);

  afterAll(async () => {
    for (const { node, cleanup } of fresh) {
      await node.stop();
      await cleanup();
    }
    await run?.close();
  });

  it("serves blocks 1..100 as a CAR file with a filename", async () => {
    const res = await fetch(`${exporter.url()}/v1/chains/0/shards/0/car?from=1&to=${BLOCKS}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.ipld.car");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="vshard-0-0-1-${BLOCKS}.car"`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(car);
    expect(decodeCar(car).roots).toHaveLength(1);
    let txs = 0;
    for (let h = 1; h <= BLOCKS; h++) txs += (await exporter.main.chain.getBlock(h))?.txs.length ?? 0;
    expect(transfers).toBeGreaterThan(0);
    expect(txs).toBeGreaterThanOrEqual(transfers);
    const bad = await fetch(`${exporter.url()}/v1/chains/0/shards/0/car?from=5&to=2`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("CAR_EXPORT_ERROR_BAD_RANGE");
    const absent = await fetch(`${exporter.url()}/v1/chains/7/shards/0/car?from=1&to=2`);
    expect(absent.status).toBe(404);
  });

  it("refuses a CAR with a byte flipped in a chunk or in a header (422), leaving the fresh node at genesis", async () => {
    const node = await freshNode("tampered");
    const client = new ApiClient(node.url());
    const { blocks } = decodeCar(car);
    // Objects in export order: the index, then block 1's header, its manifest and its first chunk.
    for (const [what, object] of [
      ["chunk", blocks[3]],
      ["header", blocks[1]],
    ] as const) {
      const copy = Uint8Array.from(car);
      copy[object.bytes.byteOffset - car.byteOffset + Math.floor(object.bytes.length / 2)] ^= 0x01;
      const err = await client.importCar(copy).catch((e: unknown) => e);
      expect(err, what).toBeInstanceOf(ApiClientError);
      expect((err as ApiClientError).status, what).toBe(422);
      expect((err as ApiClientError).code, what).toBe("DLFS_ERROR_BAD_CAR");
      expect((err as ApiClientError).message, what).toMatch(/does not match its CID/);
    }
    const post = async (query: string, type: string, body: string | Uint8Array) => {
      const res = await fetch(`${node.url()}/v1/car${query}`, {
        method: "POST",
        headers: { "content-type": type },
        body,
      });
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    };
    expect(await post("", "application/json", "{}")).toEqual({
      status: 415,
      code: "API_ERROR_UNSUPPORTED_MEDIA_TYPE",
    });
    expect(await post("?chainId=0", "application/vnd.ipld.car", car)).toEqual({
      status: 400,
      code: "API_ERROR_VALIDATION",
    });
    expect(await post("?chainId=5&shard=0", "application/vnd.ipld.car", car)).toEqual({
      status: 404,
      code: "CHAIN_NOT_FOUND",
    });
    expect(node.main.chain.head().height).toBe(0);
  });

  it("imports on a fresh node (`vshard car export`, then `vshard car import`): it holds the exporter's block 100", async () => {
    const node = await freshNode("fresh");
    const exported = (await exporter.main.chain.getBlock(BLOCKS)) as Block;
    const hash = bytesToHex(headerHash(exported.header));
    const stateRoot = bytesToHex(exported.header.stateRoot);
    const dir = await tempDir("car-file");
    try {
      const file = join(dir.path, "main.car");
      const range = ["--chain", "0", "--shard", "0", "--from", "1", "--to", String(BLOCKS)];
      const out = await vshard(["car", "export", ...range, "--out", file, "--api", exporter.url()]);
      expect(out.stderr).toBe("");
      const root = cidToString(decodeCar(car).roots[0]);
      expect(lines(out)).toEqual([
        `wrote ${file}: chain 0 shard 0, ${BLOCKS} blocks (1..${BLOCKS}), ${car.length} bytes, root ${root}`,
      ]);
      expect(new Uint8Array(await readFile(file))).toEqual(car);
      const imported = await vshard(["car", "import", file, "--api", node.url()]);
      expect(imported.stderr).toBe("");
      expect(lines(imported)).toEqual([
        `imported ${file} into chain 0 shard 0 (blocks 1..${BLOCKS}): ${BLOCKS} applied, 0 already known; ` +
          `head ${BLOCKS} ${hash.slice(0, 16)}…`,
      ]);
    } finally {
      await dir.cleanup();
    }
    const head = node.main.chain.head();
    expect({
      height: head.height,
      hash: bytesToHex(head.hash),
      stateRoot: bytesToHex(head.stateRoot),
    }).toEqual({
      height: BLOCKS,
      hash,
      stateRoot,
    });
    expect(node.main.chain.finalizedHeight()).toBe(BLOCKS);
    const again: CarImportResult = await new ApiClient(node.url()).importCar(car);
    expect(again).toEqual({
      chainId: 0,
      shard: 0,
      from: 1,
      to: BLOCKS,
      applied: 0,
      known: BLOCKS,
      head: { height: BLOCKS, hash, stateRoot },
    });
  });
});
