import { blsProvePossession, bytesToHex } from "@vshard/crypto";
import { addressFromPublicKey, addressToText, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { validatorAccount } from "../../src/chain/genesis.ts";
import type { ShardChain } from "../../src/chain/shardChain.ts";
import { registryReaderOf } from "../../src/registry/index.ts";
import {
  authority,
  FUNDS,
  mainGenesisJson,
  mine,
  openChain,
  RULES,
  refusedAtAdmission,
  refusedAtExecution,
  registration,
  signed,
  users,
} from "./registryFixtures.ts";

const register = (i: number, nonce = 0, payload = registration(i)) =>
  signed(i, nonce, TxKind.RegisterValidator, payload);

/** Σ balance + Σ stake over every account these tests touch (the users and the proposer, paid the fees). */
async function supplyOf(chain: ShardChain): Promise<bigint> {
  const all = await chain.getAccounts([
    ...users.map((u) => u.address),
    addressFromPublicKey(authority.publicKey),
  ]);
  return all.reduce((sum, a) => sum + a.balance + (a.staking?.stake ?? 0n), 0n);
}

describe("register-validator", () => {
  it("registers: the deposit becomes stake of a self-voting candidate, as a genesis validator starts", async () => {
    const chain = await openChain();
    const before = await supplyOf(chain);
    const block = await mine(chain, [register(0)]);
    expect(block.execution.applied).toHaveLength(1);
    const [account] = await chain.getAccounts([users[0].address]);
    // As a genesis validator with this stake and the balance left after fee and deposit.
    const genesisLike = validatorAccount({
      publicKey: users[0].keys.publicKey,
      stake: RULES.minDeposit,
      balance: FUNDS - 1n - RULES.minDeposit,
    }).account;
    expect(account).toEqual({ ...genesisLike, nonce: 1 });
    expect(await supplyOf(chain)).toBe(before);
    const registry = registryReaderOf(chain);
    expect(await registry.getValidator(users[0].keys.publicKey)).toEqual({
      publicKey: users[0].keys.publicKey,
      blsPublicKey: users[0].bls.publicKey,
      vrfPublicKey: users[0].vrf.publicKey,
      deposit: RULES.minDeposit,
      registeredHeight: 1,
    });
    expect((await registry.listValidators()).map((v) => bytesToHex(v.publicKey))).toEqual([
      bytesToHex(users[0].keys.publicKey),
    ]);
  });

  it("a staker that votes for others keeps its votes; they gain the deposit", async () => {
    const chain = await openChain();
    await mine(chain, [register(0)]);
    await mine(chain, [
      signed(1, 0, TxKind.Stake, { amount: 50n }),
      signed(1, 1, TxKind.Vote, { candidates: [users[0].address] }),
    ]);
    await mine(chain, [register(1, 2, registration(1, 2_000n))]);
    const [v0, v1] = await chain.getAccounts([users[0].address, users[1].address]);
    expect(v1.staking).toEqual({
      stake: 2_050n,
      votes: [users[0].address],
      candidate: true,
      votesReceived: 0n,
    });
    expect(v0.staking?.votesReceived).toBe(RULES.minDeposit + 2_050n);
  });

  it("refuses a second registration of the same sender, at admission", async () => {
    const chain = await openChain();
    await mine(chain, [register(0)]);
    const other = { ...registration(0), vrfPublicKey: users[3].vrf.publicKey };
    expect(await refusedAtAdmission(chain, register(0, 1, other))).toEqual({
      code: "TX_ERROR_VALIDATOR_REGISTERED",
      message: `${addressToText(users[0].address)} is already a registered validator`,
    });
  });

  it("refuses a VRF key another validator registered, naming its owner, at admission", async () => {
    const chain = await openChain();
    await mine(chain, [register(0)]);
    const stolen = { ...registration(1), vrfPublicKey: users[0].vrf.publicKey };
    expect(await refusedAtAdmission(chain, register(1, 0, stolen))).toEqual({
      code: "TX_ERROR_VRF_KEY_TAKEN",
      message: `payload.vrfPublicKey: already the VRF key of validator ${addressToText(users[0].address)}`,
    });
  });

  it("refuses two registrations of one VRF key in the same block", async () => {
    const chain = await openChain();
    const block = await mine(chain, [
      register(0),
      register(1, 0, { ...registration(1), vrfPublicKey: users[0].vrf.publicKey }),
    ]);
    expect(block.execution.applied).toHaveLength(1);
    expect(block.execution.rejected[0].error.code).toBe("TX_ERROR_VRF_KEY_TAKEN");
  });

  it("refuses a VRF key that is not a valid edwards25519 point", async () => {
    const chain = await openChain();
    const bad = { ...registration(0), vrfPublicKey: new Uint8Array(32).fill(0xff) };
    expect(await refusedAtExecution(chain, register(0, 0, bad))).toEqual({
      code: "TX_ERROR_BAD_VRF_KEY",
      message: "payload.vrfPublicKey: not a valid edwards25519 point (canonical and not of small order)",
    });
  });

  it("refuses a proof of possession made with another key, and an invalid BLS key", async () => {
    const chain = await openChain();
    const wrongPop = { ...registration(0), blsProofOfPossession: blsProvePossession(users[1].bls.secretKey) };
    expect(await refusedAtExecution(chain, register(0, 0, wrongPop))).toEqual({
      code: "TX_ERROR_BAD_PROOF_OF_POSSESSION",
      message: "payload.blsProofOfPossession: not a proof of possession of payload.blsPublicKey's secret key",
    });
    const badKey = { ...registration(0), blsPublicKey: new Uint8Array(48).fill(1) };
    expect(await refusedAtExecution(chain, register(0, 0, badKey))).toEqual({
      code: "TX_ERROR_BAD_PROOF_OF_POSSESSION",
      message: "payload.blsPublicKey: not a valid BLS12-381 G1 public key",
    });
  });

  it("refuses a deposit below the minimum (at admission), and one the balance does not cover", async () => {
    const chain = await openChain();
    expect(await refusedAtAdmission(chain, register(0, 0, registration(0, 999n)))).toEqual({
      code: "TX_ERROR_DEPOSIT_TOO_LOW",
      message: "payload.deposit: 999 is below the minimum deposit 1000",
    });
    // The mempool refuses a cost above the balance (fee + deposit counted), before any block.
    const [result] = await chain.submitTxs([register(0, 0, registration(0, FUNDS))]);
    expect(result.ok).toBe(false);
    expect(await registryReaderOf(chain).listValidators()).toEqual([]);
  });

  it("is refused on a chain that is not the main chain", async () => {
    const chain = await openChain({ ...mainGenesisJson(), chainId: 1 }, defaultChainOptions);
    const [result] = await chain.submitTxs([
      signed(0, 0, TxKind.RegisterValidator, registration(0), { chainId: 1 }),
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect([result.error.code, result.error.message]).toEqual([
        "TX_ERROR_WRONG_CHAIN",
        "register-validator txs go to the main chain (chain 0); this is chain 1",
      ]);
  });
});
