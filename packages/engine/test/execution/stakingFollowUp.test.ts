import { bytesToHex } from "@vshard/crypto";
import { defaultDlfsLayout } from "@vshard/storage";
import { BURN_ADDRESS } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { assembleBlock, loadTouchedAccounts, stateUpdatesOf } from "../../src/chain/assembleBlock.ts";
import {
  type AccountMap,
  executeTxs,
  type PreparedTx,
  stakingFollowUpAddresses,
  touchedAddresses,
} from "../../src/execution/executeTxs.ts";
import { EMPTY_STATE_ROOT, SparseMerkleTree } from "../../src/state/index.ts";
import { MemoryNodeStore } from "../state/memoryNodeStore.ts";
import {
  evidenceTx,
  proposerHex,
  stakeTx,
  stakingGenesis,
  transferTx,
  unstakeTx,
  users,
  voteTx,
} from "./stakingFixtures.ts";

/** Committed state where user 3 staked 50 and voted for users 0 and 1, and user 4 staked 7 and voted for user 2. */
function committed(): AccountMap {
  const state = stakingGenesis(1_000n);
  const r = executeTxs(
    [voteTx(3, 0, [0, 1]), stakeTx(3, 1, 50n), voteTx(4, 0, [2]), stakeTx(4, 1, 7n)],
    state,
    proposerHex,
    {
      skipInvalid: false,
    },
  );
  return new Map([...state, ...r.changed]);
}

/** A loader over `state` that records each round of reads. */
function loader(state: AccountMap) {
  const rounds: string[][] = [];
  return {
    rounds,
    async loadAccounts(hexes: string[]): Promise<AccountMap> {
      rounds.push(hexes);
      const out: AccountMap = new Map();
      for (const h of hexes) {
        const a = state.get(h);
        if (a) out.set(h, a);
      }
      return out;
    },
    async loadRecords() {
      return new Map();
    },
  };
}

const hexes = (...i: number[]) => i.map((k) => users[k].hex).sort();

describe("touchedAddresses and stakingFollowUpAddresses", () => {
  it("a vote's candidates, an evidence's offender and the burn address are read in the first round", () => {
    const touched = touchedAddresses([voteTx(3, 2, [1, 2]), evidenceTx(5, 0, 0)], proposerHex);
    expect([...touched].sort()).toEqual(
      [...hexes(0, 1, 2, 3, 5), proposerHex, bytesToHex(BURN_ADDRESS)].sort(),
    );
  });

  it("names the candidates stakers voted for before the block, when not loaded yet", () => {
    const state = committed();
    const only = (...i: number[]): AccountMap =>
      new Map(i.map((k) => [users[k].hex, state.get(users[k].hex)!]));
    for (const t of [stakeTx(3, 2, 1n), unstakeTx(3, 2, 1n), voteTx(3, 2, [2])])
      expect(stakingFollowUpAddresses([t], only(3)).sort()).toEqual(hexes(0, 1));
    expect(stakingFollowUpAddresses([stakeTx(3, 2, 1n)], only(3, 0))).toEqual(hexes(1));
    // An offender's votes too.
    expect(stakingFollowUpAddresses([evidenceTx(5, 0, 4)], only(4))).toEqual(hexes(2));
    // Transfers and accounts that never voted need nothing more.
    expect(stakingFollowUpAddresses([transferTx(3, 2, 4, 1n), stakeTx(5, 0, 1n)], only(3, 5))).toEqual([]);
  });
});

describe("loadTouchedAccounts", () => {
  it("reads a block without staking txs in one round", async () => {
    const l = loader(committed());
    await loadTouchedAccounts([transferTx(3, 2, 4, 1n)], proposerHex, l);
    expect(l.rounds).toHaveLength(1);
  });

  it("reads the candidates of existing votes in a second round, only those not read yet", async () => {
    const l = loader(committed());
    const accounts = await loadTouchedAccounts([stakeTx(3, 2, 5n), voteTx(5, 0, [0])], proposerHex, l);
    expect(l.rounds).toHaveLength(2);
    expect(l.rounds[1]).toEqual(hexes(1));
    expect(accounts.get(users[1].hex)?.staking?.votesReceived).toBe(150n);
  });
});

describe("assembleBlock with staking txs", () => {
  it("gets the same state root as executing over the whole state", async () => {
    const state = committed();
    const store = new MemoryNodeStore();
    const tree = new SparseMerkleTree(store);
    const parentStateRoot = store.persist(
      await tree.update(EMPTY_STATE_ROOT, stateUpdatesOf(state, new Map())),
    );
    const txs: PreparedTx[] = [
      stakeTx(3, 2, 5n),
      unstakeTx(3, 3, 20n),
      evidenceTx(5, 0, 4),
      evidenceTx(4, 2, 3),
    ];
    const l = loader(state);
    const ctx = {
      chainId: 1,
      shard: 0,
      height: 1,
      parentHash: new Uint8Array(32),
      parentStateRoot,
      proposer: new Uint8Array(32),
      proposerHex,
      time: 1,
      epoch: 0,
    };
    const assembled = await assembleBlock(
      ctx,
      txs,
      { ...l, tree, layout: defaultDlfsLayout },
      { skipInvalid: false },
    );
    expect(l.rounds).toHaveLength(2);
    const whole = executeTxs(txs, state, proposerHex, { skipInvalid: false });
    expect([...assembled.execution.changed]).toEqual([...whole.changed]);
    const expected = await tree.update(parentStateRoot, stateUpdatesOf(whole.changed, new Map()));
    expect(bytesToHex(assembled.block.header.stateRoot)).toBe(bytesToHex(expected.root));
    expect(assembled.execution.changed.get(users[0].hex)?.staking?.votesReceived).toBe(100n);
    expect(assembled.execution.changed.get(users[2].hex)?.staking?.votesReceived).toBe(100n);
  });
});
