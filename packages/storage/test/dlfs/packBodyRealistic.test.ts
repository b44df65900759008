import { createPrivateKey, sign } from "node:crypto";
import { bytesEqual, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import {
  addressFromPublicKey,
  encodeBody,
  type SignedTx,
  signTx,
  type Tx,
  TxKind,
  txHash,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultDlfsLayout, packBody, unpackBody } from "../../src/dlfs/packBody.ts";

/** PKCS#8 DER prefix of an ed25519 private key (RFC 8410): the 32-byte seed follows it. */
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * `count` signed transfers from 200 senders to 10,000 accounts, as a busy shard's block would hold. Signed through
 * node:crypto (the same RFC 8032 bytes `signTx` gives, checked below) because pure-JS signing of 1,000 txs takes
 * seconds on a small machine.
 */
function realisticTransfers(count: number): SignedTx[] {
  const senders = Array.from({ length: 200 }, (_, i) => {
    const pair = ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`sender-${i}`)));
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, pair.secretKey]),
      format: "der",
      type: "pkcs8",
    });
    return { ...pair, key };
  });
  return Array.from({ length: count }, (_, i) => {
    const sender = senders[i % senders.length];
    const tx: Tx = {
      chainId: 7,
      shard: 3,
      kind: TxKind.Transfer,
      sender: sender.publicKey,
      nonce: 40 + Math.floor(i / senders.length),
      fee: BigInt(10 + (i % 17)),
      payload: {
        to: addressFromPublicKey(sha256(Uint8Array.of(i & 0xff, i >> 8, 0x70))),
        amount: BigInt(1 + ((i * 7_919) % 1_000_000)),
      },
    };
    const signature = new Uint8Array(sign(null, txHash(tx), sender.key));
    if (i === 0) expect(signTx(tx, sender.secretKey).signature).toEqual(signature);
    return { tx, signature };
  });
}

describe("a realistic body", () => {
  it("packs 1,000 signed transfers smaller than their canonical bytes, and unpacks them", () => {
    const body = Uint8Array.from(encodeBody(realisticTransfers(1000)));
    const { manifest, chunks } = packBody(body, defaultDlfsLayout);
    expect(body.length / manifest.packedLength).toBeGreaterThan(1);
    const back = unpackBody(
      manifest,
      chunks.map((c) => c.bytes),
      body.length,
    );
    expect(bytesEqual(back, body)).toBe(true);
  });
});
