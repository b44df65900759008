import { bytesToHex } from "@vshard/crypto";
import type { Evidence } from "@vshard/engine";
import { encodeHeader, type Header, type SignedTx, signTx, TxKind } from "@vshard/types";

/** A header whose certificate was checked: the producer's signature over `hash`. */
export interface SignedHeader {
  header: Header;
  /** Header hash, hex. */
  hash: string;
  slot: number;
}

/** Two validly signed headers by one producer for the same slot or height. */
export interface DoubleProduction {
  first: SignedHeader;
  second: SignedHeader;
}

/** The fee an evidence tx pays: the chain's minimum by default, so any node's account can afford it. */
export const EVIDENCE_TX_FEE = 1n;

/**
 * Remembers the first signed header of each producer per height and per slot, and reports a second one with another
 * hash: the proof of double production. Each conflict is reported once. Pure.
 */
export class DoubleProductionDetector {
  private readonly seen = new Map<string, SignedHeader>();
  /** Conflicts reported, by the pair of hashes, with their height. */
  private readonly reported = new Map<string, number>();

  /** Records a header (its signature already checked); returns the contradiction it makes, if any. */
  observe(signed: SignedHeader): DoubleProduction | null {
    const producer = bytesToHex(signed.header.proposer);
    let found: DoubleProduction | null = null;
    for (const key of [`${producer}/h${signed.header.height}`, `${producer}/s${signed.slot}`]) {
      const first = this.seen.get(key);
      if (!first) {
        this.seen.set(key, signed);
        continue;
      }
      if (first.hash === signed.hash || found) continue;
      const pair = [first.hash, signed.hash].sort().join("/");
      if (this.reported.has(pair)) continue;
      this.reported.set(pair, signed.header.height);
      found = { first, second: signed };
    }
    return found;
  }

  /** Whether a header differs from one recorded for its producer at its height or slot (nothing is recorded). */
  contradicts(signed: SignedHeader): boolean {
    const producer = bytesToHex(signed.header.proposer);
    for (const key of [`${producer}/h${signed.header.height}`, `${producer}/s${signed.slot}`]) {
      const first = this.seen.get(key);
      if (first && first.hash !== signed.hash) return true;
    }
    return false;
  }

  /** Forgets headers below `height` (older than anything that can still be contradicted usefully). */
  forgetBelow(height: number): void {
    for (const [key, s] of this.seen) if (s.header.height < height) this.seen.delete(key);
    for (const [pair, h] of this.reported) if (h < height) this.reported.delete(pair);
  }
}

/** The `Evidence` record of a double production (`first`/`second`: the encoded headers, certificates included). */
export function doubleProductionEvidence(d: DoubleProduction): Evidence {
  return {
    kind: "double-production",
    offender: d.first.header.proposer,
    height: d.second.header.height,
    round: d.second.slot,
    first: encodeHeader(d.first.header),
    second: encodeHeader(d.second.header),
  };
}

/** Whether the chain can slash on this proof: the evidence tx needs two headers at the same height. */
export function isSlashable(d: DoubleProduction): boolean {
  return d.first.header.height === d.second.header.height;
}

/** The evidence tx that slashes the offender, signed by the reporting node. */
export function evidenceTx(
  d: DoubleProduction,
  reporter: { publicKey: Uint8Array; secretKey: Uint8Array; nonce: number },
): SignedTx {
  const { chainId, shard } = d.first.header;
  return signTx(
    {
      chainId,
      shard,
      kind: TxKind.Evidence,
      sender: reporter.publicKey,
      nonce: reporter.nonce,
      fee: EVIDENCE_TX_FEE,
      payload: { first: d.first.header, second: d.second.header },
    },
    reporter.secretKey,
  );
}
