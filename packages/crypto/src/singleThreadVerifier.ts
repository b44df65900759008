import { type SignatureSet, verifySignatureSetsInThread } from "./signatureSet.ts";
import { type SignatureVerifier, VerifierError } from "./verifier.ts";

/**
 * Verifies in the calling thread: ed25519 through node:crypto, BLS through blst with one batch
 * check per call. For tests, tools and single-core machines; it blocks the event loop while it works.
 */
export class SingleThreadVerifier implements SignatureVerifier {
  private closed = false;

  async verify(sets: SignatureSet[]): Promise<boolean[]> {
    if (this.closed) throw new VerifierError("VERIFIER_ERROR_CLOSED", "verifier is closed");
    if (sets.length === 0) return [];
    return verifySignatureSetsInThread(sets).valid;
  }

  async verifyAll(sets: SignatureSet[]): Promise<boolean> {
    const valid = await this.verify(sets);
    return valid.every((v) => v);
  }

  canAcceptWork(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
