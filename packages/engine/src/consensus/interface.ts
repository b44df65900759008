import type { Ed25519KeyPair } from "@vshard/crypto";
import type { ChainHead } from "@vshard/storage";
import type { Block, Header } from "@vshard/types";
import type { AssembledBlock } from "../chain/assembleBlock.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "./clock.ts";

/**
 * What the engine offers a consensus plugin, in the spirit of CometBFT's ABCI: build a proposal, check one, commit a
 * decided block, advance finality. `ShardChain` implements it.
 */
export interface ConsensusApp {
  head(): ChainHead;
  finalizedHeight(): number;
  prepareProposal(ctx: { proposer: Uint8Array; time: number; epoch: number }): Promise<AssembledBlock>;
  processProposal(block: Block): Promise<AssembledBlock>;
  commitBlock(assembled: AssembledBlock): Promise<ChainHead>;
  markFinalized(height: number): void;
}

/** One member of a shard's committee for an epoch. */
export interface CommitteeMember {
  publicKey: Uint8Array;
  blsPublicKey?: Uint8Array;
  weight: number;
}

/** The validators that decide a shard's blocks in an epoch. */
export interface Committee {
  epoch: number;
  members: CommitteeMember[];
}

/** A plugin's view of its shard's message topic. */
export interface ConsensusChannel {
  publish(kind: string, data: Uint8Array): void;
  subscribe(kind: string, handler: (from: string, data: Uint8Array) => void): () => void;
}

/** Everything a plugin is given. */
export interface ConsensusContext {
  app: ConsensusApp;
  committee: Committee;
  keys: { ed25519: Ed25519KeyPair };
  /** Null for single-node plugins. */
  channel: ConsensusChannel | null;
  clock: Clock;
  logger: Logger;
  /** The plugin's parameters from the chain configuration. */
  params: Record<string, unknown>;
}

/** A consensus plugin: decides who proposes, how votes flow and when a block is final. */
export interface ConsensusPlugin {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether a header's certificate proves it was decided by the committee. */
  verifyCertificate(header: Header): boolean;
}

/** Builds a plugin from its context; plugins are looked up by name in a registry of these. */
export type ConsensusFactory = (ctx: ConsensusContext) => ConsensusPlugin;
