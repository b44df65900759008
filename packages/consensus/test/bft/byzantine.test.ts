import { bytesEqual, ed25519Verify } from "@vshard/crypto";
import type { Evidence } from "@vshard/engine";
import { headerHash } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { MessageCheck } from "../../src/bft/messageCheck.ts";
import { BFT_PROPOSAL, BFT_VOTE, decodeProposal, proposalSignBytes } from "../../src/bft/messages.ts";
import { CHAIN, committedHashes, committeeOf, createCluster, memberKeys, stopAll } from "./bftCluster.ts";

const committee = committeeOf(4);
const check = new MessageCheck(committee, CHAIN);

/** Evidence is proof: two messages validly signed by the offender for the same slot, about different blocks. */
function expectProof(e: Evidence): void {
  const kind = e.kind === "double-proposal" ? BFT_PROPOSAL : BFT_VOTE;
  const [a, b] = [check.decode(kind, e.first), check.decode(kind, e.second)];
  expect(a && b && a !== "malformed" && b !== "malformed").toBe(true);
  if (!a || !b || a === "malformed" || b === "malformed") return;
  for (const m of [a, b]) {
    expect(check.verify(m)).toBe(true);
    expect([m.height, m.round]).toEqual([e.height, e.round]);
    expect(committee.members[m.signer].publicKey).toEqual(e.offender);
  }
  expect(a.hash).not.toBe(b.hash);
  if (a.kind === "vote" && b.kind === "vote") expect(a.vote.type).toBe(b.vote.type);
  if (e.kind === "double-proposal") {
    const p = decodeProposal(e.second);
    expect(ed25519Verify(p.signature, proposalSignBytes(CHAIN, p), e.offender)).toBe(true);
    expect(headerHash(p.block.header)).not.toEqual(headerHash(decodeProposal(e.first).block.header));
  }
}

describe("bft with one equivocating member of 4", () => {
  it("never decides two blocks at one height over 20 seeds of delays and losses; honest nodes gather evidence", async () => {
    const equivocator = memberKeys(3).ed25519.publicKey;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const { clock, nodes } = await createCluster({
        members: 4,
        bus: { seed, minLatencyMs: 1, maxLatencyMs: 150, dropRate: 0.1 },
        params: (i) => (i === 3 ? { faults: { equivocate: true } } : {}),
      });
      for (const n of nodes) await n.plugin.start();
      const honest = nodes.slice(0, 3);
      const live = await clock.runUntil(() => honest.every((n) => n.chain.finalizedHeight() >= 4), 120_000);
      await stopAll(nodes.map((n) => n.plugin));
      expect(live, `seed ${seed}: honest nodes reach height 4`).toBe(true);
      // Safety: at every height, every node (the equivocator too) committed the same block.
      const hashes = await committedHashes(nodes);
      const top = Math.max(...hashes.map((h) => h.length));
      for (let h = 0; h < top; h++) {
        const decided = new Set(hashes.map((x) => x[h]).filter((x) => x !== undefined));
        expect(decided.size, `seed ${seed} height ${h + 1}`).toBe(1);
      }
      const evidence = honest.flatMap((n) => n.plugin.evidence());
      expect(evidence.length, `seed ${seed}: evidence gathered`).toBeGreaterThan(0);
      for (const e of evidence) {
        expect(bytesEqual(e.offender, equivocator), "only the equivocator is blamed").toBe(true);
        expectProof(e);
        kinds.add(e.kind);
      }
    }
    expect([...kinds].sort()).toEqual(["double-proposal", "double-vote"]);
  });
});
