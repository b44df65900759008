import { encodeTuple } from "@vshard/types";
import type { FinalitySource } from "./finalityTracker.ts";

/** A signed transaction ready to send: its canonical bytes and hash. */
export interface ReadyTx {
  bytes: Uint8Array;
  hashHex: string;
  /** The shard the tx names (a sharded run counts committed txs per shard). */
  shard?: number;
  /** Set for a cross-shard transfer: the shard it credits (a run follows a sample of them to their credit). */
  destinationShard?: number;
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
  /** Txs sent at least once: indices `0 … sent - 1` (resends are not counted again). */
  sent: number;
  /** Final refusals by code (a busy refusal counts here only when the send window ended before its resend). */
  rejectedByCode: Map<string, number>;
  /** Resends of txs the node refused only because it was busy (a tx refused twice counts twice). */
  busyRetries: number;
  startedAt: number;
  /** When sending stopped (the time bound, or the last tx sent). */
  endedAt: number;
}

/** How often the pacing loop wakes: 5 ms keeps batches small at low rates without busy-waiting. */
const TICK_MS = 5;
/** How often progress is reported: four updates a second look live without costing anything. */
const PROGRESS_EVERY_MS = 250;
/**
 * How long a tx refused because the node was busy waits before it is resent: 50 ms lets the node's verify pool work
 * off the batches it holds (thousands of signatures at tens of thousands of verifies a second) while adding only a
 * fraction of a block interval to the retried tx's latency, which stays measured from its original planned time.
 */
export const BUSY_RETRY_BACKOFF_MS = 50;
/**
 * Codes with which the node refuses a tx only because it is busy (its signature pool is saturated, HTTP 503): the
 * same bytes are accepted later. Other refusals, a full mempool included, are final and counted as rejected.
 */
export const BUSY_REFUSAL_CODES: ReadonlySet<string> = new Set(["TX_ERROR_NODE_BUSY"]);

/** Whether a refusal with `code` only means "busy, retry shortly". */
export function isBusyRefusal(code: string | undefined): boolean {
  return code !== undefined && BUSY_REFUSAL_CODES.has(code);
}

/** A tx refused as busy: when it may be resent, and the code it was refused with (if it never is). */
interface BusyRefusal {
  index: number;
  dueAt: number;
  code: string;
}

/**
 * Sends `txs` in msgpack batches (`POST /v1/txs`) following the pacing, and records per tx the intended send time
 * (open loop: the planned time, so that a slow node cannot hide its queueing: no coordinated omission) and whether
 * the node accepted it. A tx the node refused only because it was busy is resent after {@link BUSY_RETRY_BACKOFF_MS}
 * with its original planned time, before any new tx and in index order, so each sender's txs keep their nonce order
 * (new txs wait while refused ones wait for their backoff); retries stop when the send window ends.
 */
export async function driveLoad(
  txs: ReadyTx[],
  opts: DriveOptions,
  tracker: FinalitySource,
): Promise<DriveRecord> {
  const record: DriveRecord = {
    plannedAt: new Float64Array(txs.length),
    accepted: new Uint8Array(txs.length),
    sent: 0,
    rejectedByCode: new Map(),
    busyRetries: 0,
    startedAt: performance.now(),
    endedAt: 0,
  };
  const inFlight = new Set<Promise<void>>();
  /** Busy refusals waiting to be resent, kept in index order. */
  let retries: BusyRefusal[] = [];
  let retriesSorted = true;
  let sending = true;
  let acceptedCount = 0;
  let lastSendAt = record.startedAt;
  // Txs final before this drive (setup, earlier phases) do not open the saturation window.
  const finalAtStart = tracker.finalCount();
  let lastProgress = 0;
  const refuse = (index: number, code: string) => {
    if (sending && isBusyRefusal(code)) {
      if (retries.length > 0 && retries[retries.length - 1].index > index) retriesSorted = false;
      retries.push({ index, dueAt: performance.now() + BUSY_RETRY_BACKOFF_MS, code });
    } else bump(record.rejectedByCode, code, 1);
  };
  const post = async (indices: number[]) => {
    const body = encodeTuple(indices.map((i) => txs[i].bytes));
    try {
      const res = await fetch(`${opts.url}/v1/txs`, {
        method: "POST",
        headers: { "content-type": "application/msgpack" },
        body,
      });
      const json = (await res.json()) as { results?: Array<{ ok: boolean; code?: string }>; code?: string };
      if (!json.results) {
        for (const i of indices) refuse(i, json.code ?? `HTTP_${res.status}`);
        return;
      }
      json.results.forEach((r, k) => {
        if (r.ok) {
          record.accepted[indices[k]] = 1;
          acceptedCount++;
        } else refuse(indices[k], r.code ?? "UNKNOWN");
      });
    } catch (err) {
      bump(record.rejectedByCode, `CLIENT_${(err as Error).name}`, indices.length);
    }
  };
  const launch = async (indices: number[]) => {
    if (inFlight.size >= opts.maxConcurrentRequests) await Promise.race(inFlight);
    lastSendAt = performance.now();
    const p = post(indices).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  /** The longest run of queued retries, from the lowest index, that is due: a later one never overtakes. */
  const takeDueRetries = (): number[] => {
    if (!retriesSorted) retries.sort((a, b) => a.index - b.index);
    retriesSorted = true;
    const now = performance.now();
    let n = 0;
    while (n < retries.length && n < opts.maxBatch && retries[n].dueAt <= now) n++;
    const due = retries.slice(0, n).map((r) => r.index);
    retries = retries.slice(n);
    return due;
  };
  let last = false;
  for (;;) {
    // The last pass sends everything due by the end exactly, so the count never depends on when the timer woke.
    const now = performance.now() - record.startedAt;
    last = now >= opts.sendForMs;
    const elapsed = Math.min(now, opts.sendForMs);
    const finalPass = last && opts.pacing.kind === "open";
    const canSend = () => inFlight.size < opts.maxConcurrentRequests || finalPass;
    while (retries.length > 0 && canSend() && (!last || finalPass)) {
      const due = takeDueRetries();
      if (due.length === 0) break;
      record.busyRetries += due.length;
      await launch(due);
    }
    const target =
      opts.pacing.kind === "open"
        ? Math.min(txs.length, Math.floor(opts.pacing.dueBy(elapsed)))
        : Math.min(
            txs.length,
            // Refused txs free their place in the window, but busy ones still hold it: they will be resent.
            tracker.finalCount() -
              finalAtStart +
              opts.pacing.window +
              (record.sent - acceptedCount - retries.length),
          );
    while (record.sent < target && (retries.length === 0 || finalPass) && canSend()) {
      const from = record.sent;
      const to = Math.min(target, from + opts.maxBatch);
      const sentAt = performance.now();
      for (let i = from; i < to; i++)
        record.plannedAt[i] =
          opts.pacing.kind === "open"
            ? record.startedAt + plannedOffset(opts.pacing.dueBy, i, elapsed)
            : sentAt;
      record.sent = to;
      await launch(Array.from({ length: to - from }, (_, k) => from + k));
    }
    if (opts.onProgress && elapsed - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = elapsed;
      opts.onProgress(elapsed, record.sent);
    }
    if (last) break;
    if (record.sent >= txs.length && retries.length === 0) {
      // Everything went out once; an answer still to come may send some back to the retry queue.
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      continue;
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  record.endedAt = last ? record.startedAt + opts.sendForMs : lastSendAt;
  sending = false;
  await Promise.all(inFlight);
  // Busy refusals the window closed on before their resend are refusals after all.
  for (const r of retries) bump(record.rejectedByCode, r.code, 1);
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
