import type { ConsensusApp } from "./interface.ts";

/**
 * The app `chain` as a plugin sees it, except that txs the plugin submits go through `submitTxs` (a node gossips them
 * to its shard; a test harness hands them to every node).
 */
export function consensusAppWith(chain: ConsensusApp, submitTxs: ConsensusApp["submitTxs"]): ConsensusApp {
  return {
    head: () => chain.head(),
    headTime: () => chain.headTime(),
    finalizedHeight: () => chain.finalizedHeight(),
    prepareProposal: (ctx) => chain.prepareProposal(ctx),
    processProposal: (block, ancestors) => chain.processProposal(block, ancestors),
    commitBlock: (assembled) => chain.commitBlock(assembled),
    markFinalized: (height) => chain.markFinalized(height),
    getBlock: (height) => chain.getBlock(height),
    getAccounts: (addresses, ancestors) => chain.getAccounts(addresses, ancestors),
    loadConsensusData: (name) => chain.loadConsensusData(name),
    saveConsensusData: (name, value) => chain.saveConsensusData(name, value),
    submitTxs,
  };
}
