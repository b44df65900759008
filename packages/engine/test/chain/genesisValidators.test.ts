import { blsKeyGen, bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { addressFromPublicKey, addressToText, decodeAccount, encodeAccount } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { stateUpdatesOf } from "../../src/chain/assembleBlock.ts";
import {
  genesisAccounts,
  genesisFromJson,
  genesisSupply,
  validatorAccount,
} from "../../src/chain/genesis.ts";
import { buildGenesisBlock } from "../../src/chain/genesisBlock.ts";
import { GenesisError } from "../../src/errors.ts";
import { EMPTY_STATE_ROOT, SparseMerkleTree } from "../../src/state/index.ts";

const key = (i: number) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(90 + i));
const textOf = (i: number) => addressToText(addressFromPublicKey(key(i).publicKey));
const bls = blsKeyGen(new Uint8Array(32).fill(3));

const valid = {
  chainId: 1,
  shard: 0,
  time: 1,
  authority: bytesToHex(key(0).publicKey),
  accounts: [{ address: textOf(0), balance: "1000" }],
  validators: [
    { publicKey: bytesToHex(key(1).publicKey), stake: "500", balance: "20" },
    { publicKey: bytesToHex(key(2).publicKey), blsPublicKey: bytesToHex(bls.publicKey), stake: "300" },
  ],
};

describe("genesis validators", () => {
  it("reads validators; each becomes a candidate voting for itself with its stake", () => {
    const g = genesisFromJson(valid);
    expect(g.validators).toHaveLength(2);
    expect(g.validators[1].blsPublicKey).toEqual(bls.publicKey);
    expect(g.accounts).toHaveLength(1);
    const address = addressFromPublicKey(key(1).publicKey);
    expect(validatorAccount(g.validators[0])).toEqual({
      address,
      account: {
        balance: 20n,
        nonce: 0,
        staking: { stake: 500n, votes: [address], candidate: true, votesReceived: 500n },
      },
    });
    expect(validatorAccount(g.validators[1]).account.balance).toBe(0n);
    expect(genesisAccounts(g)).toHaveLength(3);
  });

  it("counts stakes and validator balances in the supply", () => {
    expect(genesisSupply(genesisFromJson(valid))).toBe(1000n + 500n + 20n + 300n);
  });

  it("a genesis without validators has none, and keeps its old state root", async () => {
    const { validators: _, ...old } = valid;
    const g = genesisFromJson(old);
    expect(g.validators).toEqual([]);
    const { block } = await buildGenesisBlock(g);
    const tree = new SparseMerkleTree({ get: async () => null });
    const plain = new Map([[bytesToHex(g.accounts[0].address), { balance: 1000n, nonce: 0 }]]);
    const { root } = await tree.update(EMPTY_STATE_ROOT, stateUpdatesOf(plain, new Map()));
    expect(bytesToHex(block.header.stateRoot)).toBe(bytesToHex(root));
  });

  it("puts the validator accounts in the genesis state root", async () => {
    const g = genesisFromJson(valid);
    const { block } = await buildGenesisBlock(g);
    const all = new Map(genesisAccounts(g).map((a) => [bytesToHex(a.address), a.account]));
    const tree = new SparseMerkleTree({ get: async () => null });
    const { root } = await tree.update(EMPTY_STATE_ROOT, stateUpdatesOf(all, new Map()));
    expect(bytesToHex(block.header.stateRoot)).toBe(bytesToHex(root));
    const { block: without } = await buildGenesisBlock({ ...g, validators: [] });
    expect(bytesToHex(without.header.stateRoot)).not.toBe(bytesToHex(root));
    // A validator account survives its codec.
    const account = validatorAccount(g.validators[0]).account;
    expect(decodeAccount(encodeAccount(account))).toEqual(account);
  });

  const v = (over: Record<string, unknown>) => ({
    ...valid,
    validators: [valid.validators[0], { ...valid.validators[1], ...over }],
  });

  it.each([
    [{ ...valid, validators: {} }, "$.validators"],
    [{ ...valid, validators: [5] }, "$.validators[0]"],
    [v({ publicKey: "xyz" }), "$.validators[1].publicKey"],
    [v({ publicKey: "ff".repeat(32) }), "$.validators[1].publicKey"],
    [v({ publicKey: bytesToHex(key(0).publicKey) }), "$.validators[1].publicKey"],
    [v({ publicKey: valid.validators[0].publicKey }), "$.validators[1].publicKey"],
    [v({ stake: "0" }), "$.validators[1].stake"],
    [v({ stake: 300 }), "$.validators[1].stake"],
    [v({ stake: (1n << 64n).toString() }), "$.validators[1].stake"],
    [v({ stake: ((1n << 64n) - 1n).toString() }), "$.validators[1].stake"],
    [v({ balance: "-1" }), "$.validators[1].balance"],
    [v({ blsPublicKey: "ab" }), "$.validators[1].blsPublicKey"],
    [v({ blsPublicKey: "00".repeat(48) }), "$.validators[1].blsPublicKey"],
  ])("refuses %j naming %s", (json, path) => {
    try {
      genesisFromJson(json);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GenesisError);
      expect((err as GenesisError).type.path).toBe(path);
      expect((err as Error).message).toContain(path);
    }
  });

  it("says why a validator's address is refused", () => {
    expect(() => genesisFromJson(v({ publicKey: bytesToHex(key(0).publicKey) }))).toThrowError(
      /already in \$\.accounts/,
    );
    expect(() => genesisFromJson(v({ stake: ((1n << 64n) - 1n).toString() }))).toThrowError(/total supply/);
  });
});
