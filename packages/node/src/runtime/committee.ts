import {
  type Committee,
  type ConsensusApp,
  consensusAppWith,
  type Genesis,
  type ShardChain,
} from "@vshard/engine";
import type { TxGossip } from "./txGossip.ts";

/**
 * The committee a chain's plugin starts with: the genesis validators (equal weight), or the genesis authority alone
 * when the chain has none or runs `solo`. Epoch committees drawn from the main chain replace this with sharding.
 */
export function genesisCommittee(genesis: Genesis, plugin: string): Committee {
  if (plugin === "solo" || genesis.validators.length === 0)
    return { epoch: 0, members: [{ publicKey: genesis.authority, weight: 1 }] };
  return {
    epoch: 0,
    members: genesis.validators.map((v) => ({
      publicKey: v.publicKey,
      ...(v.blsPublicKey ? { blsPublicKey: v.blsPublicKey } : {}),
      weight: 1,
    })),
  };
}

/** The chain as its plugin sees it: the chain itself, except that txs the plugin submits are gossiped too. */
export function consensusAppOf(chain: ShardChain, gossip: TxGossip): ConsensusApp {
  return consensusAppWith(chain, (stxs) => gossip.submit(stxs));
}
