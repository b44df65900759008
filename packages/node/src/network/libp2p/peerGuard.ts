import type { PeerFault } from "@vshard/engine";

/** What a peer did wrong: each lowers its score by {@link OFFENCE_PENALTY}. */
export type PeerOffence = PeerFault;

/** Every offence, for metrics and reports. */
export const PEER_OFFENCES: readonly PeerOffence[] = [
  "malformed",
  "oversized",
  "wrong-topic",
  "bad-signature",
];

/**
 * Score lost per offence. An honest node never sends any of these (it checks txs before relaying them and encodes
 * with the same code), so a few are enough to disconnect; a sender of forged signatures costs us a verify each and
 * an oversized sender bandwidth, so they weigh more.
 */
export const OFFENCE_PENALTY: Record<PeerOffence, number> = {
  malformed: 10,
  oversized: 25,
  "wrong-topic": 10,
  "bad-signature": 25,
};

/** Options of a {@link PeerGuard}. */
export interface PeerGuardOptions {
  /** A peer whose score falls to this or below is disconnected and banned. */
  disconnectAt: number;
  /** How long a banned peer may not reconnect. */
  banMs: number;
  /** Half-life of a penalty: a peer that behaves again is forgiven over time. */
  halfLifeMs: number;
}

/** Five malformed messages, or two forged signatures, within a minute or so disconnect a peer for ten minutes. */
export const defaultPeerGuardOptions: PeerGuardOptions = {
  disconnectAt: -50,
  banMs: 10 * 60_000,
  halfLifeMs: 60_000,
};

interface PeerRecord {
  score: number;
  at: number;
  offences: Partial<Record<PeerOffence, number>>;
  bannedUntil: number;
}

/** One peer's standing. */
export interface PeerStanding {
  peerId: string;
  score: number;
  offences: Partial<Record<PeerOffence, number>>;
  banned: boolean;
}

/**
 * Keeps each peer's misbehaviour score (0 for a peer that never misbehaved, decaying back towards 0) and decides when
 * a peer is disconnected and banned. Pure: time comes from `now`.
 */
export class PeerGuard {
  private readonly records = new Map<string, PeerRecord>();
  private readonly totals: Record<PeerOffence, number> = {
    malformed: 0,
    oversized: 0,
    "wrong-topic": 0,
    "bad-signature": 0,
  };
  private bans = 0;

  constructor(
    private readonly opts: PeerGuardOptions = defaultPeerGuardOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lowers `peer`'s score; `banned` is true when this offence got it banned (the caller disconnects it). */
  penalise(peer: string, offence: PeerOffence): { score: number; banned: boolean } {
    const rec = this.current(peer);
    rec.score -= OFFENCE_PENALTY[offence];
    rec.offences[offence] = (rec.offences[offence] ?? 0) + 1;
    this.totals[offence] += 1;
    const t = this.now();
    if (rec.score <= this.opts.disconnectAt && rec.bannedUntil <= t) {
      rec.bannedUntil = t + this.opts.banMs;
      this.bans += 1;
      return { score: rec.score, banned: true };
    }
    return { score: rec.score, banned: false };
  }

  /** The peer's score now (≤ 0). */
  score(peer: string): number {
    return this.records.has(peer) ? this.current(peer).score : 0;
  }

  isBanned(peer: string): boolean {
    const rec = this.records.get(peer);
    return rec !== undefined && rec.bannedUntil > this.now();
  }

  /** Peers that misbehaved at least once, worst first. */
  standings(): PeerStanding[] {
    return [...this.records.keys()]
      .map((peerId) => {
        const rec = this.current(peerId);
        return { peerId, score: rec.score, offences: { ...rec.offences }, banned: this.isBanned(peerId) };
      })
      .sort((a, b) => a.score - b.score);
  }

  /** Offences seen since start, by kind, and bans. */
  totalsSoFar(): { offences: Record<PeerOffence, number>; bans: number } {
    return { offences: { ...this.totals }, bans: this.bans };
  }

  private current(peer: string): PeerRecord {
    const t = this.now();
    let rec = this.records.get(peer);
    if (rec === undefined) {
      rec = { score: 0, at: t, offences: {}, bannedUntil: 0 };
      this.records.set(peer, rec);
    } else if (t > rec.at) {
      rec.score *= 0.5 ** ((t - rec.at) / this.opts.halfLifeMs);
      rec.at = t;
    }
    return rec;
  }
}
