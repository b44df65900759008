import { BODY_CID_LENGTH, type Header, headerHash, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { type AnchorVerifier, type ChainEntry, registryReaderOf } from "../../src/registry/index.ts";
import {
  exampleSchemaBytes,
  mine,
  openChain,
  refusedAtAdmission,
  refusedAtExecution,
  signed,
} from "./registryFixtures.ts";

/** A worker shard header (its certificate is whatever the verifier under test makes of it). */
function header(chainId: number, shard: number, height: number, epoch = 0): Header {
  return {
    chainId,
    shard,
    height,
    parentHash: new Uint8Array(32).fill(height),
    stateRoot: new Uint8Array(32).fill(7),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32).fill(9),
    bodyCid: new Uint8Array(BODY_CID_LENGTH),
    proposer: new Uint8Array(32).fill(1),
    time: 5_000 + height,
    epoch,
    certificate: Uint8Array.of(1, 2, 3),
  };
}

const anchor = (nonce: number, h: Header) => signed(2, nonce, TxKind.Anchor, { header: h });
const registerGpu = () => signed(0, 0, TxKind.RegisterChain, { schema: exampleSchemaBytes("gpu-rental") });

/** A main chain with gpu-rental (chain 1, 4 shards) registered at height 1, checking anchors with `verifier`. */
async function chainWithWorker(verifier?: AnchorVerifier) {
  const chain = await openChain(undefined, undefined, verifier);
  await mine(chain, [registerGpu()]);
  return chain;
}

describe("anchor", () => {
  it("calls the verifier with the header, the chain entry and the main height; writes head and header", async () => {
    const calls: Array<[Header, ChainEntry, number]> = [];
    const chain = await chainWithWorker((h, c, height) => {
      calls.push([h, c, height]);
      return null;
    });
    const h = header(1, 2, 5, 3);
    await mine(chain, [anchor(0, h)]);
    expect(calls).toHaveLength(1);
    const [seen, entry, mainHeight] = calls[0];
    expect(seen).toEqual(h);
    expect([entry.chainId, entry.name, mainHeight]).toEqual([1, "gpu-rental", 2]);
    const registry = registryReaderOf(chain);
    expect(await registry.anchorHead(1, 2)).toEqual({ height: 5, hash: headerHash(h) });
    expect(await registry.anchoredHeader(1, 2, 5)).toEqual({
      hash: headerHash(h),
      stateRoot: h.stateRoot,
      receiptRoot: h.receiptRoot,
      epoch: 3,
      anchoredAt: 2,
    });
    expect(await registry.anchorHead(1, 1)).toBeNull();
    expect(await registry.anchoredHeader(1, 2, 4)).toBeNull();
  });

  it("refuses what the verifier refuses, with its reason; without a verifier every anchor is refused", async () => {
    const chain = await chainWithWorker(() => "the bft certificate does not verify");
    expect(await refusedAtExecution(chain, anchor(0, header(1, 0, 1)))).toEqual({
      code: "TX_ERROR_BAD_CERTIFICATE",
      message: "certificate of chain 1 shard 0 height 1 refused: the bft certificate does not verify",
    });
    const blind = await chainWithWorker();
    expect(await refusedAtExecution(blind, anchor(0, header(1, 0, 1)))).toEqual({
      code: "TX_ERROR_BAD_CERTIFICATE",
      message: "certificate of chain 1 shard 0 height 1 refused: this node cannot check certificates",
    });
    expect(await registryReaderOf(blind).anchorHead(1, 0)).toBeNull();
  });

  it("anchors heights in any order: 5 then 3 both anchored, the head stays at the highest (5)", async () => {
    const chain = await chainWithWorker(() => null);
    const five = header(1, 3, 5);
    const three = header(1, 3, 3);
    await mine(chain, [anchor(0, five)]);
    await mine(chain, [anchor(1, three)]);
    const registry = registryReaderOf(chain);
    expect(await registry.anchorHead(1, 3)).toEqual({ height: 5, hash: headerHash(five) });
    expect(await registry.anchoredHeader(1, 3, 5)).toMatchObject({ hash: headerHash(five), anchoredAt: 2 });
    expect(await registry.anchoredHeader(1, 3, 3)).toMatchObject({ hash: headerHash(three), anchoredAt: 3 });
    // Within one block too, whatever the order: the head is the highest height.
    await mine(chain, [anchor(2, header(1, 3, 9)), anchor(3, header(1, 3, 7))]);
    expect((await registry.anchorHead(1, 3))?.height).toBe(9);
    expect((await registry.anchoredHeader(1, 3, 7))?.anchoredAt).toBe(4);
    // Another shard's head is its own.
    await mine(chain, [anchor(4, header(1, 2, 1))]);
    expect((await registry.anchorHead(1, 2))?.height).toBe(1);
    expect((await registry.anchorHead(1, 3))?.height).toBe(9);
  });

  it("refuses a height already anchored: at admission, and within one block; the head is not lowered", async () => {
    const chain = await chainWithWorker(() => null);
    const five = header(1, 3, 5);
    const three = header(1, 3, 3);
    await mine(chain, [anchor(0, five), anchor(1, three)]);
    expect(await refusedAtAdmission(chain, anchor(2, three))).toEqual({
      code: "TX_ERROR_ALREADY_ANCHORED",
      message: "chain 1 shard 3 height 3 is already anchored (at main height 2)",
    });
    // A different header at that height (another certificate, or a fork) is refused alike.
    const other = { ...three, time: 1 };
    expect((await refusedAtAdmission(chain, anchor(2, other))).code).toBe("TX_ERROR_ALREADY_ANCHORED");
    // Two anchors of one height, both admitted: the second meets the header the first wrote.
    const twin = signed(3, 0, TxKind.Anchor, { header: { ...header(1, 3, 4), time: 1 } });
    expect(await refusedAtExecution(chain, twin, [anchor(2, header(1, 3, 4))])).toEqual({
      code: "TX_ERROR_ALREADY_ANCHORED",
      message: "chain 1 shard 3 height 4 is already anchored (at main height 3)",
    });
    const registry = registryReaderOf(chain);
    expect(await registry.anchorHead(1, 3)).toEqual({ height: 5, hash: headerHash(five) });
    expect(await registry.anchoredHeader(1, 3, 3)).toMatchObject({ hash: headerHash(three), anchoredAt: 2 });
    expect((await registry.anchoredHeader(1, 3, 4))?.hash).toEqual(headerHash(header(1, 3, 4)));
  });

  it("refuses a header of a chain never registered, or of a shard the chain does not have, at admission", async () => {
    const chain = await chainWithWorker(() => null);
    expect(await refusedAtAdmission(chain, anchor(0, header(2, 0, 1)))).toEqual({
      code: "TX_ERROR_UNKNOWN_CHAIN",
      message: "payload.header.chainId: chain 2 is not registered",
    });
    expect(await refusedAtAdmission(chain, anchor(0, header(1, 4, 1)))).toEqual({
      code: "TX_ERROR_UNKNOWN_SHARD",
      message: "payload.header.shard: chain 1 ('gpu-rental') has shards 0..3, not 4",
    });
    expect((await refusedAtAdmission(chain, anchor(0, header(0, 0, 1)))).code).toBe("TX_ERROR_UNKNOWN_CHAIN");
  });
});
