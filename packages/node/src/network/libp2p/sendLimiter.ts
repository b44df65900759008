/**
 * Caps the direct messages in flight to each peer (each is a stream; libp2p refuses more than a set number of open
 * streams per protocol and connection) and queues the rest; beyond `maxQueued` waiting for one peer a message is
 * dropped (direct delivery is unreliable by contract, and a peer that never answers must not hold our memory).
 */
export class SendLimiter {
  private readonly perPeer = new Map<string, { inFlight: number; waiting: Array<() => void> }>();

  constructor(private readonly opts: { maxInFlight: number; maxQueued: number }) {}

  /** Runs `send` when a slot to `peer` is free; false (and `send` never runs) when the peer's queue is full. */
  run(peer: string, send: () => Promise<void>): Promise<boolean> {
    let state = this.perPeer.get(peer);
    if (!state) {
      state = { inFlight: 0, waiting: [] };
      this.perPeer.set(peer, state);
    }
    const s = state;
    const start = async (): Promise<boolean> => {
      s.inFlight++;
      try {
        await send();
      } finally {
        s.inFlight--;
        const next = s.waiting.shift();
        if (next) next();
        else if (s.inFlight === 0) this.perPeer.delete(peer);
      }
      return true;
    };
    if (s.inFlight < this.opts.maxInFlight) return start();
    if (s.waiting.length >= this.opts.maxQueued) return Promise.resolve(false);
    return new Promise<void>((resolve) => s.waiting.push(resolve)).then(start);
  }
}
