import { bytesToHex, ed25519KeyPairFromSeed, SingleThreadVerifier, sha256 } from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { addressFromPublicKey, addressToText, encodeAccount, signTx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import { STATE_CHECKPOINT_INTERVAL } from "../../src/chain/stateCheckpoints.ts";
import { verifyStateProof } from "../../src/state/index.ts";

const keys = Array.from({ length: 6 }, (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(i + 1)));
const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(77));
const genesis = genesisFromJson({
  chainId: 1,
  shard: 0,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: keys.map((k) => ({
    address: addressToText(addressFromPublicKey(k.publicKey)),
    balance: "100000",
  })),
});

async function open(store: MemoryKvStore) {
  const db = await LedgerDb.create({ store });
  return ShardChain.create(defaultChainOptions, genesis, { db, verifier: new SingleThreadVerifier() });
}

/** Commits `blocks` blocks of a few transfers each, continuing every sender's nonces. */
async function commitBlocks(chain: ShardChain, blocks: number, nonces: number[]) {
  for (let b = 0; b < blocks; b++) {
    const txs = [0, 1, 2].map((k) => {
      const from = (b + k) % keys.length;
      return signTx(
        {
          chainId: 1,
          shard: 0,
          kind: TxKind.Transfer,
          sender: keys[from].publicKey,
          nonce: nonces[from]++,
          fee: 1n,
          payload: {
            to: addressFromPublicKey(keys[(from + 1) % keys.length].publicKey),
            amount: BigInt(b + 1),
          },
        },
        keys[from].secretKey,
      );
    });
    expect((await chain.submitTxs(txs)).every((r) => r.ok)).toBe(true);
    await chain.commitBlock(
      await chain.prepareProposal({ proposer: authority.publicKey, time: 2_000 + b, epoch: 0 }),
    );
  }
}

async function expectProvenAgainstHead(chain: ShardChain) {
  for (const k of keys) {
    const { account, proof, head } = await chain.getAccountWithProof(addressFromPublicKey(k.publicKey));
    const valueHash = sha256(encodeAccount(account));
    expect(
      verifyStateProof(head.stateRoot, sha256(addressFromPublicKey(k.publicKey)), valueHash, proof),
    ).toBe(true);
  }
}

describe("state checkpoints", () => {
  it("rebuilds the head's state tree after a restart between checkpoints, and goes on from it", async () => {
    const store = new MemoryKvStore();
    const nonces = new Array(keys.length).fill(0);
    const first = await open(store);
    await commitBlocks(first, STATE_CHECKPOINT_INTERVAL + 5, nonces);
    const head = first.head();
    // A restart: the first instance's unstored nodes are gone with it.
    const second = await open(store);
    expect(bytesToHex(second.head().stateRoot)).toBe(bytesToHex(head.stateRoot));
    await expectProvenAgainstHead(second);
    await commitBlocks(second, 3, nonces);
    await expectProvenAgainstHead(second);
    const third = await open(store);
    expect(bytesToHex(third.head().hash)).toBe(bytesToHex(second.head().hash));
    await expectProvenAgainstHead(third);
  });

  it("refuses to start on accounts that do not give the head's state root", async () => {
    const store = new MemoryKvStore();
    const chain = await open(store);
    await commitBlocks(chain, 3, new Array(keys.length).fill(0));
    const db = await LedgerDb.create({ store });
    // Tamper with one stored account behind the ledger's back.
    const address = addressFromPublicKey(keys[0].publicKey);
    const stored = await db.getAccount(1, 0, address);
    const key = db.repositories.accounts.key({ chainId: 1, shard: 0, address });
    await store.batch([
      { type: "put", key, value: encodeAccount({ ...stored!, balance: stored!.balance + 1n }) },
    ]);
    await expect(open(store)).rejects.toMatchObject({ code: "STATE_ERROR_CORRUPT_NODE" });
  });
});
