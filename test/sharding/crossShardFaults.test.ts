import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair, SeededRandom } from "@vshard/crypto";
import { MAIN_CHAIN_ID, nullLogger, receiptDeliveryPoint } from "@vshard/engine";
import { HttpRelayEndpoint, type NetworkNode, Relay } from "@vshard/node";
import { addressFromPublicKey, type ShardRef, type SignedTx, signTx, type Tx, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { tempDir, testKey } from "../helpers/testNetwork.ts";
import { CrashableEndpoint, getJson, spentAt } from "./crossShardFixtures.ts";
import { exampleSchema } from "./fixtures.ts";

const TRANSFERS = 10_000;
const WORKER_SHARDS = 4;
const CLIENTS = 24;
const BALANCE = 1_000_000_000n;
const RELAYS = 3;

/** A worker chain of 4 solo shards under explicit-suffix (every client holds a sub-account in every shard). */
function faultLedger(): Record<string, unknown> {
  return {
    ...exampleSchema("token-ledger.json"),
    name: "fault-ledger",
    shards: Array.from({ length: WORKER_SHARDS }, () => ({
      consensus: { plugin: "solo" },
      committeeSize: 1,
    })),
    limits: { maxBlockTxs: 2000, maxBlockBytes: 4194304, targetBlockIntervalMs: 100 },
    fees: { minFee: "1", perByte: "0" },
  };
}

const key = (ref: ShardRef, address: Uint8Array) => `${ref.chainId}/${ref.shard}/${bytesToHex(address)}`;

describe("10,000 random transfers, half cross-shard, while relays crash, repeat each other and anchors lag", () => {
  let run: SimNetworkRun;
  let node: NetworkNode;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const shards: ShardRef[] = [
    { chainId: MAIN_CHAIN_ID, shard: 0 },
    ...Array.from({ length: WORKER_SHARDS }, (_, shard) => ({ chainId: 1, shard })),
  ];

  beforeAll(async () => {
    dir = await tempDir("relays");
    run = await startSimNetwork({
      seed: 77,
      validators: 1,
      clients: CLIENTS,
      clientBalance: BALANCE,
      chains: [faultLedger()],
      // Anchors of each epoch's first blocks wait 7 main blocks for the anchor window: anchoring lags behind.
      rules: { epochBlocks: 16, anchorDelayBlocks: 7 },
      blockIntervalMs: 100,
      witnessesPerCommittee: 1,
      network: { latencyMs: 2, jitterMs: 2, lossRate: 0 },
      api: { host: "127.0.0.1", port: 0 },
    });
    node = run.cluster.node(0);
    const ready = () =>
      shards.every((s) => (node.runtime(s.chainId, s.shard)?.chain.finalizedHeight() ?? 0) >= 1);
    expect(await run.runUntil(ready, 60_000)).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await run?.close();
    await dir?.cleanup();
  });

  it("credits every receipt exactly once and the supply audit balances", async () => {
    const rng = new SeededRandom(2026);
    const clients = run.clients;
    const nonces = new Map<string, number>();
    const expected = new Map<string, bigint>();
    const credit = (ref: ShardRef, who: Uint8Array, amount: bigint) =>
      expected.set(key(ref, who), (expected.get(key(ref, who)) ?? BALANCE) + amount);
    const sign = (from: Ed25519KeyPair, source: ShardRef, body: Pick<Tx, "kind" | "payload">): SignedTx => {
      const k = key(source, addressFromPublicKey(from.publicKey));
      const nonce = nonces.get(k) ?? 0;
      nonces.set(k, nonce + 1);
      return signTx({ ...source, ...body, sender: from.publicKey, nonce, fee: 1n } as Tx, from.secretKey);
    };
    /** One random transfer; half are cross-shard (one in ten of those to or from the main chain). */
    const randomTransfer = (i: number): SignedTx => {
      const from = clients[rng.uniformInt(CLIENTS)];
      const to = addressFromPublicKey(clients[rng.uniformInt(CLIENTS)].publicKey);
      const amount = BigInt(1 + rng.uniformInt(1000));
      const worker = () => shards[1 + rng.uniformInt(WORKER_SHARDS)];
      const sender = addressFromPublicKey(from.publicKey);
      if (i % 2 === 0) {
        const source = worker();
        credit(source, sender, -(amount + 1n));
        credit(source, to, amount);
        return sign(from, source, { kind: TxKind.Transfer, payload: { to, amount } });
      }
      const viaMain = rng.uniformInt(10) === 0;
      const source = viaMain && rng.uniformInt(2) === 0 ? shards[0] : worker();
      let destination = viaMain && source.chainId !== MAIN_CHAIN_ID ? shards[0] : worker();
      while (destination.shard === source.shard && destination.chainId === source.chainId)
        destination = worker();
      credit(source, sender, -(amount + 1n));
      credit(destination, to, amount);
      return sign(from, source, { kind: TxKind.CrossTransfer, payload: { to, destination, amount } });
    };

    // Relays: three at once over HTTP, each crashing now and then in the middle of a pass and restarting from its file.
    let crashes = 0;
    const relayStats = { delivered: 0, duplicates: 0 };
    const slots = Array.from({ length: RELAYS }, (_, i) => ({
      keys: testKey("relay", i),
      statePath: join(dir.path, `relay-${i}.json`),
      relay: null as Relay | null,
      endpoint: null as CrashableEndpoint | null,
      downRounds: 0,
    }));
    const startRelay = async (slot: (typeof slots)[number]) => {
      slot.endpoint = new CrashableEndpoint(new HttpRelayEndpoint(node.url()));
      slot.relay = await Relay.create(
        { ...defaultRelayOpts, statePath: slot.statePath },
        {
          endpoint: slot.endpoint,
          keys: slot.keys,
          logger: nullLogger,
          now: Date.now,
          random: () => rng.next(),
        },
      );
    };
    const harvest = (relay: Relay) => {
      relayStats.delivered += relay.counters.delivered;
      relayStats.duplicates += relay.counters.duplicates;
    };
    for (const slot of slots) await startRelay(slot);

    const roundOfRelays = async () => {
      const passes: Promise<unknown>[] = [];
      for (const slot of slots) {
        if (!slot.relay) {
          if (--slot.downRounds <= 0) await startRelay(slot);
          continue;
        }
        const pass = slot.relay.pass();
        if (rng.uniformInt(12) === 0) {
          // Crash mid-pass: the endpoint dies (calls never answer), the relay object is dropped unsaved.
          slot.endpoint?.kill(rng.uniformInt(6));
          harvest(slot.relay);
          slot.relay = null;
          slot.downRounds = 1 + rng.uniformInt(3);
          crashes++;
          continue;
        }
        passes.push(pass);
      }
      await Promise.all(passes);
    };

    let sent = 0;
    const inFlight = async () => (await getJson(`${node.url()}/v1/supply`)).json;
    for (let round = 0; round < 2000; round++) {
      if (sent < TRANSFERS) {
        const batch = Array.from({ length: Math.min(250, TRANSFERS - sent) }, (_, k) =>
          randomTransfer(sent + k),
        );
        sent += batch.length;
        const byShard = new Map<string, SignedTx[]>();
        for (const stx of batch) {
          const k = `${stx.tx.chainId}/${stx.tx.shard}`;
          byShard.set(k, [...(byShard.get(k) ?? []), stx]);
        }
        for (const txs of byShard.values()) {
          const runtime = node.runtime(txs[0].tx.chainId, txs[0].tx.shard);
          const results = (await runtime?.submitTxs(txs)) ?? [];
          expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.message)).toEqual([]);
        }
      }
      await roundOfRelays();
      await run.runUntil(() => false, 200);
      if (sent === TRANSFERS && round % 5 === 0) {
        const audit = await inFlight();
        const idle = shards.every((s) => node.runtime(s.chainId, s.shard)?.chain.mempool.size() === 0);
        if (audit.inFlight === "0" && idle) break;
      }
    }
    for (const slot of slots) if (slot.relay) harvest(slot.relay);

    // Every receipt of every outbox consumed exactly once, at its delivery point and nowhere else.
    let receipts = 0;
    for (const source of shards) {
      const runtime = node.runtime(source.chainId, source.shard);
      for (const { height, receipts: outbox } of (await runtime?.chain.listOutboxes(1, 1_000_000)) ?? []) {
        const anchoredAt = (await spentAt.anchoredAt(node, source, height)) as number;
        for (const r of outbox) {
          receipts++;
          const point = receiptDeliveryPoint(r, anchoredAt, r.destination.chainId === 1 ? 0 : null);
          const where = await Promise.all(shards.map((s) => spentAt.entry(node, s, r)));
          const spentIn = shards.filter((_, i) => where[i] !== null);
          expect(spentIn).toEqual([point]);
        }
      }
    }
    // One receipt per cross transfer: with one worker chain, nothing is forwarded or refunded.
    expect(receipts).toBe(TRANSFERS / 2);
    // Balances: exactly what the model says, on every shard.
    for (const s of shards)
      for (const c of clients) {
        const who = addressFromPublicKey(c.publicKey);
        const [account] = (await node.runtime(s.chainId, s.shard)?.chain.getAccounts([who])) ?? [];
        expect(account?.balance, key(s, who)).toBe(expected.get(key(s, who)) ?? BALANCE);
      }
    const audit = await inFlight();
    expect(audit).toMatchObject({ balanced: true, complete: true, inFlight: "0" });
    expect(crashes).toBeGreaterThanOrEqual(3);
    expect(relayStats.duplicates).toBeGreaterThan(0);
    console.log(
      `${TRANSFERS} transfers, ${receipts} receipts consumed once each; relays: ${crashes} crashes, ` +
        `${relayStats.delivered} deliveries accepted, ${relayStats.duplicates} duplicates refused`,
    );
  }, 900_000);
});

const defaultRelayOpts = {
  pollMs: 250,
  resubmitAfterMs: 3000,
  minBackoffMs: 100,
  maxBackoffMs: 2000,
  reportEveryMs: 60_000,
  pageLimit: 1000,
  maxConcurrentSubmits: 16,
  batchSize: 64,
  fullScanEveryMs: 1000,
};
