import { encodeTuple } from "@vshard/types";
import type { FinalityTracker } from "./finalityTracker.ts";

/** A signed transaction ready to send: its canonical bytes and hash. */
export interface ReadyTx {
  bytes: Uint8Array;
  hashHex: string;
}

/** How the driver paces sending. */
export type Pacing =
  /** Open loop: `dueBy(ms)` txs must have been sent `ms` after the start, whatever the node answers. */
  | { kind: "open"; dueBy: (elapsedMs: number) => number }
  /** Closed loop at saturation: keep `window` txs submitted but not yet final. */
  | { kind: "saturate"; window: number };

/** Options of one drive. */
export interface DriveOptions {
  url: string;
  pacing: Pacing;
  /** How long to send for (warm-up included). */
  sendForMs: number;
  /** Most txs in one POST. */
  maxBatch: number;
  /** Most POSTs in flight: more would only queue inside the node's HTTP server. */
  maxConcurrentRequests: number;
  /** Called about every `progressEveryMs` while sending. */
  onProgress?: (elapsedMs: number, sent: number) => void;
}

/** What happened to each tx sent: when it was meant to go (ms, performance.now()) and whether it was accepted. */
export interface DriveRecord {
  plannedAt: Float64Array;
  accepted: Uint8Array;
  sent: number;
  rejectedByCode: Map<string, number>;
  startedAt: number;
  /** When sending stopped (the time bound, or the last tx sent). */
  endedAt: number;
}

/** How often the pacing loop wakes: 5 ms keeps batches small at low rates without busy-waiting. */
const TICK_MS = 5;
/** How often progress is reported: four updates a second look live without costing anything. */
const PROGRESS_EVERY_MS = 250;

/**
 * Sends `txs` in msgpack batches (`POST /v1/txs`) following the pacing, and records per tx the intended send time
 * (open loop: the planned time, so that a slow node cannot hide its queueing: no coordinated omission) and whether
 * the node accepted it.
 */
export async function driveLoad(
  txs: ReadyTx[],
  opts: DriveOptions,
  tracker: FinalityTracker,
): Promise<DriveRecord> {
  const record: DriveRecord = {
    plannedAt: new Float64Array(txs.length),
    accepted: new Uint8Array(txs.length),
    sent: 0,
    rejectedByCode: new Map(),
    startedAt: performance.now(),
    endedAt: 0,
  };
  const inFlight = new Set<Promise<void>>();
  let acceptedCount = 0;
  // Txs final before this drive (setup, earlier phases) do not open the saturation window.
  const finalAtStart = tracker.finalCount();
  let lastProgress = 0;
  const post = async (from: number, to: number) => {
    const body = encodeTuple(txs.slice(from, to).map((t) => t.bytes));
    try {
      const res = await fetch(`${opts.url}/v1/txs`, {
        method: "POST",
        headers: { "content-type": "application/msgpack" },
        body,
      });
      const json = (await res.json()) as { results?: Array<{ ok: boolean; code?: string }>; code?: string };
      if (!json.results) {
        bump(record.rejectedByCode, json.code ?? `HTTP_${res.status}`, to - from);
        return;
      }
      json.results.forEach((r, i) => {
        if (r.ok) {
          record.accepted[from + i] = 1;
          acceptedCount++;
        } else bump(record.rejectedByCode, r.code ?? "UNKNOWN", 1);
      });
    } catch (err) {
      bump(record.rejectedByCode, `CLIENT_${(err as Error).name}`, to - from);
    }
  };
  for (;;) {
    // The last pass sends everything due by the end exactly, so the count never depends on when the timer woke.
    const now = performance.now() - record.startedAt;
    const last = now >= opts.sendForMs;
    const elapsed = Math.min(now, opts.sendForMs);
    const target =
      opts.pacing.kind === "open"
        ? Math.min(txs.length, Math.floor(opts.pacing.dueBy(elapsed)))
        : Math.min(
            txs.length,
            tracker.finalCount() - finalAtStart + opts.pacing.window + (record.sent - acceptedCount),
          );
    const finalPass = last && opts.pacing.kind === "open";
    while (record.sent < target && (inFlight.size < opts.maxConcurrentRequests || finalPass)) {
      if (inFlight.size >= opts.maxConcurrentRequests) await Promise.race(inFlight);
      const from = record.sent;
      const to = Math.min(target, from + opts.maxBatch);
      const sentAt = performance.now();
      for (let i = from; i < to; i++)
        record.plannedAt[i] =
          opts.pacing.kind === "open"
            ? record.startedAt + plannedOffset(opts.pacing.dueBy, i, elapsed)
            : sentAt;
      record.sent = to;
      const p = post(from, to).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    if (opts.onProgress && elapsed - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = elapsed;
      opts.onProgress(elapsed, record.sent);
    }
    if (last || record.sent >= txs.length) break;
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  record.endedAt = Math.min(performance.now(), record.startedAt + opts.sendForMs);
  await Promise.all(inFlight);
  return record;
}

/** The planned send time of tx `i`: when `dueBy` first reaches i + 1 (bisection up to `now`). */
function plannedOffset(dueBy: (ms: number) => number, i: number, now: number): number {
  let lo = 0;
  let hi = now;
  for (let k = 0; k < 30 && hi - lo > 0.01; k++) {
    const mid = (lo + hi) / 2;
    if (dueBy(mid) >= i + 1) hi = mid;
    else lo = mid;
  }
  return hi;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
