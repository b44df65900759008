import { bytesToHex, sha256 } from "@vshard/crypto";
import type { Evidence, Logger } from "@vshard/engine";

/** Evidence kept per node: enough for any audit window of a run, and bounded against a flood of equivocations. */
export const MAX_EVIDENCE = 1_000;

/** Misbehaviour seen by this node, oldest first, each pair of messages once, at most `limit` (the oldest go first). */
export class EvidenceLog {
  private readonly entries: Array<{ key: string; evidence: Evidence }> = [];
  private readonly keys = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly limit = MAX_EVIDENCE,
  ) {}

  /** Records evidence (a pair already recorded is ignored) and logs a warning. */
  add(e: Evidence): void {
    const key = `${e.kind}/${bytesToHex(sha256(e.first))}/${bytesToHex(sha256(e.second))}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.entries.push({ key, evidence: e });
    if (this.entries.length > this.limit) this.keys.delete(this.entries.shift()?.key ?? "");
    this.logger.warn(
      { kind: e.kind, offender: bytesToHex(e.offender), height: e.height, round: e.round },
      "bft: equivocation detected",
    );
  }

  /** The evidence, oldest first. */
  all(): Evidence[] {
    return this.entries.map((x) => x.evidence);
  }
}
