import { mkdtemp } from "node:fs/promises"; import { tmpdir } from "node:os"; import { join } from "node:path";
import { bytesToHex, sha256, createEd25519Signer } from "@vshard/crypto";
import { defaultChainOptions, genesisFromJson, ShardChain } from "@vshard/engine";
import { LedgerDb } from "@vshard/storage";
import { addressFromPublicKey, addressToText, encodeSignedTx, decodeSignedTx, txHash, TxKind } from "@vshard/types";
const N = 10000, PER = 2000;
const signers = Array.from({ length: N }, (_, i) => createEd25519Signer(sha256(new TextEncoder().encode(`k${i}`))));
const db = await LedgerDb.create({ path: join(await mkdtemp(join(tmpdir(), "smt-")), "db") });
let gets = 0; const orig = db.getStateNode.bind(db); (db as any).getStateNode = (...a: any[]) => { gets++; return orig(...(a as [any, any, any])); };
let agets = 0; const origA = db.getAccounts.bind(db); (db as any).getAccounts = (...a: any[]) => { agets += a[2].length; return origA(...(a as [any, any, any])); };
const verifier = { verify: async (s: any[]) => s.map(() => true), verifyAll: async () => true, canAcceptWork: () => true, close: async () => {} };
const chain = await ShardChain.create(defaultChainOptions, genesisFromJson({ chainId: 1, shard: 0, time: 1, authority: bytesToHex(signers[0].publicKey), accounts: signers.map((k) => ({ address: addressToText(addressFromPublicKey(k.publicKey)), balance: "1000000" })) }), { db, verifier });
const nonces = new Array(N).fill(0);
let tS = 0, tP = 0, tC = 0, n = 0;
for (let round = 0; round < 15; round++) {
  const wire = Array.from({ length: PER }, () => { const i = Math.floor(Math.random() * N); const j = (i + 1 + Math.floor(Math.random() * (N - 1))) % N; const tx = { chainId: 1, shard: 0, kind: TxKind.Transfer as const, sender: signers[i].publicKey, nonce: nonces[i]++, fee: 1n, payload: { to: addressFromPublicKey(signers[j].publicKey), amount: 1n } }; return encodeSignedTx({ tx, signature: signers[i].sign(txHash(tx)) }); });
  const g0 = gets, a0 = agets;
  const t0 = performance.now();
  const res = await chain.submitTxs(wire.map((b) => decodeSignedTx(b)));
  const t1 = performance.now();
  const a = await chain.prepareProposal({ proposer: signers[0].publicKey, time: Date.now(), epoch: 0 });
  const t2 = performance.now();
  await chain.commitBlock(a);
  const t3 = performance.now();
  console.log(round, "txs", a.block.txs.length, "rejected", res.filter((r) => !r.ok).length, "smtGets", gets - g0, "accountGets", agets - a0, "us/tx submit", ((t1 - t0) * 1000 / PER).toFixed(0), "prepare", ((t2 - t1) * 1000 / PER).toFixed(0), "commit", ((t3 - t2) * 1000 / PER).toFixed(0));
}
