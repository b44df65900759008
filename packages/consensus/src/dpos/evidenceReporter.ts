import { bytesToHex, type Ed25519KeyPair, ed25519Verify } from "@vshard/crypto";
import type { ConsensusApp, Evidence, Logger } from "@vshard/engine";
import { addressFromPublicKey } from "@vshard/types";
import {
  type DoubleProduction,
  DoubleProductionDetector,
  doubleProductionEvidence,
  evidenceTx,
  isSlashable,
  type SignedHeader,
} from "./evidence.ts";

/**
 * Watches the signed headers a node sees for double production: records `Evidence`, logs a warning and submits an
 * evidence tx signed by this node (nonce: its committed one, or the next after an evidence tx still in flight). One tx
 * per offender while it is in flight, none against an offender whose stake is already 0 or against this node.
 */
export class EvidenceReporter {
  private readonly detector = new DoubleProductionDetector();
  private readonly seen: Evidence[] = [];
  /** Offenders with an evidence tx of ours in flight, with its nonce. */
  private readonly inFlight = new Map<string, number>();
  private nextNonce = 0;
  private readonly meHex: string;

  constructor(private readonly modules: { app: ConsensusApp; keys: Ed25519KeyPair; logger: Logger }) {
    this.meHex = bytesToHex(modules.keys.publicKey);
  }

  /** Misbehaviour seen so far, oldest first. */
  evidence(): Evidence[] {
    return [...this.seen];
  }

  /** Whether a header contradicts one recorded (a cheap test before checking a stale block's signature). */
  contradicts(signed: SignedHeader): boolean {
    return this.detector.contradicts(signed);
  }

  /** Records a header whose signature was checked; reports the double production it reveals, if any. */
  async observe(signed: SignedHeader): Promise<void> {
    const found = this.detector.observe(signed);
    if (found) await this.report(found);
  }

  /**
   * A header at or below the last irreversible height only matters if it contradicts one recorded: its signature is
   * checked (`hash`: the header hash) and it is recorded only then.
   */
  async observeStale(signed: SignedHeader, hash: Uint8Array): Promise<void> {
    const { header } = signed;
    if (this.contradicts(signed) && ed25519Verify(header.certificate, hash, header.proposer))
      await this.observe(signed);
  }

  /** Forgets headers below `height`. */
  forgetBelow(height: number): void {
    this.detector.forgetBelow(height);
  }

  private async report(d: DoubleProduction): Promise<void> {
    const evidence = doubleProductionEvidence(d);
    const offender = bytesToHex(evidence.offender);
    if (offender === this.meHex) return;
    this.seen.push(evidence);
    const { app, keys, logger } = this.modules;
    logger.warn(
      { offender, height: evidence.height, slot: evidence.round, first: d.first.hash, second: d.second.hash },
      "dpos: double production",
    );
    if (!isSlashable(d)) return;
    const [self, target] = await app.getAccounts([
      addressFromPublicKey(keys.publicKey),
      addressFromPublicKey(evidence.offender),
    ]);
    const pending = this.inFlight.get(offender);
    if (pending !== undefined && self.nonce <= pending) return;
    if ((target.staking?.stake ?? 0n) === 0n) return;
    const nonce = Math.max(self.nonce, this.nextNonce);
    const [result] = await app.submitTxs([evidenceTx(d, { ...keys, nonce })]);
    if (result.ok) {
      this.inFlight.set(offender, nonce);
      this.nextNonce = nonce + 1;
    } else logger.warn({ err: result.error }, "dpos: evidence tx refused");
  }
}
