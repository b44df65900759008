import { join } from "node:path";
import { ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import { type RunningRelay, startRelay } from "@vshard/node";
import type { RelayTotals } from "./interface.ts";

/** Relays a cross-shard run starts by default: one against node 0, whose API serves every shard of the network. */
export const DEFAULT_BENCH_RELAYS = 1;

/** The relays of a run: started against a node API, stopped with the run. */
export interface BenchRelays {
  /** The relays' receive senders (vs… addresses). */
  addresses: string[];
  totals(): RelayTotals;
  stop(): Promise<void>;
}

/** Relay `i`'s key: fixed, so that runs are reproducible (a receive's signer is not checked against any account). */
export function benchRelayKey(i: number) {
  return ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`vshard/bench/relay/${i}`)));
}

/**
 * Starts `count` relays (in this process) against the node API `apiUrl`, their state files `bench-relay-<i>.json`
 * in `dataDir` (the run's temp folder). A relay that fails to start stops the ones already started and throws.
 */
export async function startBenchRelays(apiUrl: string, dataDir: string, count: number): Promise<BenchRelays> {
  const running: RunningRelay[] = [];
  const stop = () => Promise.all(running.map((r) => r.stop())).then(() => undefined);
  try {
    for (let i = 0; i < count; i++)
      running.push(
        await startRelay({
          apiUrl,
          statePath: join(dataDir, `bench-relay-${i}.json`),
          keys: benchRelayKey(i),
        }),
      );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    addresses: running.map((r) => r.relay.address),
    totals() {
      const t: RelayTotals = { relays: running.length, delivered: 0, duplicates: 0, retries: 0, failures: 0 };
      for (const { relay } of running) {
        t.delivered += relay.counters.delivered;
        t.duplicates += relay.counters.duplicates;
        t.retries += relay.counters.retries;
        t.failures += relay.counters.failures;
      }
      return t;
    },
    stop,
  };
}
