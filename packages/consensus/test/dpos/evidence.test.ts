import { ed25519KeyPairFromSeed, ed25519Sign } from "@vshard/crypto";
import { evidenceProblem } from "@vshard/engine";
import { decodeHeader, type Header, headerHash, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  DoubleProductionDetector,
  doubleProductionEvidence,
  evidenceTx,
  isSlashable,
  type SignedHeader,
} from "../../src/dpos/evidence.ts";

const producer = ed25519KeyPairFromSeed(new Uint8Array(32).fill(3));
const reporter = ed25519KeyPairFromSeed(new Uint8Array(32).fill(4));

function signed(height: number, time: number, slot: number, key = producer): SignedHeader {
  const header: Header = {
    chainId: 1,
    shard: 0,
    height,
    parentHash: new Uint8Array(32),
    stateRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32),
    bodyCid: new Uint8Array(36),
    proposer: key.publicKey,
    time,
    epoch: 0,
    certificate: new Uint8Array(0),
  };
  const hash = headerHash(header);
  header.certificate = ed25519Sign(hash, key.secretKey);
  return { header, hash: Buffer.from(hash).toString("hex"), slot };
}

describe("DoubleProductionDetector", () => {
  it("reports a second header for one height once, and a valid evidence tx comes of it", () => {
    const d = new DoubleProductionDetector();
    const a = signed(5, 100, 10);
    const b = signed(5, 101, 10);
    expect(d.observe(a)).toBeNull();
    expect(d.observe(a)).toBeNull();
    expect(d.contradicts(a)).toBe(false);
    expect(d.contradicts(b)).toBe(true);
    const found = d.observe(b);
    expect(found?.first.hash).toBe(a.hash);
    expect(found?.second.hash).toBe(b.hash);
    expect(d.observe(b)).toBeNull();
    expect(isSlashable(found!)).toBe(true);
    const ev = doubleProductionEvidence(found!);
    expect(ev).toMatchObject({
      kind: "double-production",
      offender: producer.publicKey,
      height: 5,
      round: 10,
    });
    expect(decodeHeader(ev.first)).toEqual(a.header);
    const stx = evidenceTx(found!, { ...reporter, nonce: 3 });
    expect(stx.tx).toMatchObject({ kind: TxKind.Evidence, sender: reporter.publicKey, nonce: 3, fee: 1n });
    if (stx.tx.kind !== TxKind.Evidence) throw new Error("unreachable");
    expect(evidenceProblem(stx.tx.payload, 1, 0)).toBeNull();
  });

  it("reports one slot at two heights too, but that is not slashable on chain", () => {
    const d = new DoubleProductionDetector();
    d.observe(signed(5, 100, 10));
    const found = d.observe(signed(6, 102, 10));
    expect(found).not.toBeNull();
    expect(isSlashable(found!)).toBe(false);
  });

  it("different producers or heights are no contradiction; old heights are forgotten", () => {
    const d = new DoubleProductionDetector();
    const other = ed25519KeyPairFromSeed(new Uint8Array(32).fill(9));
    expect(d.observe(signed(5, 100, 10))).toBeNull();
    expect(d.observe(signed(5, 101, 10, other))).toBeNull();
    expect(d.observe(signed(6, 600, 12))).toBeNull();
    d.forgetBelow(6);
    expect(d.observe(signed(5, 103, 11))).toBeNull();
    expect(d.contradicts(signed(6, 601, 12))).toBe(true);
  });
});
