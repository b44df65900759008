import type { BlsKeyPair, Ed25519KeyPair } from "@vshard/crypto";
import type { ChainHead } from "@vshard/storage";
import type { Account, Block, Header, SignedTx } from "@vshard/types";
import type { AssembledBlock } from "../chain/assembleBlock.ts";
import type { SubmitResult } from "../chain/txAdmission.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "./clock.ts";

/**
 * Where a proposal goes. `ancestors` are blocks executed but not committed yet (a fork-aware plugin's branch, oldest
 * first, the first one extending the committed head); without them the block extends the committed head.
 */
export interface ProposalContext {
  proposer: Uint8Array;
  time: number;
  epoch: number;
  ancestors?: AssembledBlock[];
}

/**
 * What the engine offers a consensus plugin, in the spirit of CometBFT's ABCI: build a proposal, check one, commit a
 * decided block, advance finality. `ShardChain` implements it.
 */
export interface ConsensusApp {
  /** The last committed block. */
  head(): ChainHead;
  /** Time stamped on the last committed block. */
  headTime(): number;
  finalizedHeight(): number;
  /** Builds a block from the mempool on the committed head, or on the last of `ctx.ancestors`. */
  prepareProposal(ctx: ProposalContext): Promise<AssembledBlock>;
  /**
   * Validates and executes a block proposed by another node, on the committed head or on the last of `ancestors`;
   * throws `BlockError` saying what is wrong.
   */
  processProposal(block: Block, ancestors?: AssembledBlock[]): Promise<AssembledBlock>;
  /** Commits a block at head + 1 (its header carrying the certificate) in one atomic batch. */
  commitBlock(assembled: AssembledBlock): Promise<ChainHead>;
  /** Marks every committed block up to `height` final. */
  markFinalized(height: number): void;
  /** A committed block by height (block sync serves these). */
  getBlock(height: number): Promise<Block | null>;
  /** Accounts as of the committed head, or after `ancestors` (absent ones empty), in the order asked. */
  getAccounts(addresses: Uint8Array[], ancestors?: AssembledBlock[]): Promise<Account[]>;
  /** Bytes the plugin stored under `name` (kept across restarts), or null. */
  loadConsensusData(name: string): Promise<Uint8Array | null>;
  saveConsensusData(name: string, value: Uint8Array): Promise<void>;
  /** Admits transactions a plugin made (e.g. evidence) as if a client sent them: the node gossips them too. */
  submitTxs(stxs: SignedTx[]): Promise<SubmitResult[]>;
}

/** One member of a shard's committee for an epoch. */
export interface CommitteeMember {
  /** ed25519 key: identifies the member and signs what it proposes. */
  publicKey: Uint8Array;
  /** BLS key (proof of possession checked when it was registered): signs votes that aggregate. */
  blsPublicKey?: Uint8Array;
  weight: number;
}

/** The validators that decide a shard's blocks in an epoch. */
export interface Committee {
  epoch: number;
  members: CommitteeMember[];
}

/**
 * What a received message shows its sender did wrong (the network lowers the sender's score and does not relay the
 * message). Only for faults an honest sender never commits: undecodable bytes, a signature that does not verify.
 */
export type PeerFault = "malformed" | "oversized" | "wrong-topic" | "bad-signature";

/** A channel handler: the promise of the work it starts, and a fault of the sender if it found one. */
export type ChannelHandler = (
  from: string,
  data: Uint8Array,
) => void | PeerFault | Promise<void> | Promise<PeerFault | undefined>;

/**
 * A plugin's view of its shard's message topic. Messages are opaque bytes; `kind` names a sub-topic (proposal, vote,
 * sync...). Handlers return the promise of the work they start (see `Clock`); delivery is unreliable and unordered.
 */
export interface ConsensusChannel {
  /** Sends to every peer of the shard (not to oneself). */
  publish(kind: string, data: Uint8Array): void;
  /** Sends to one peer. */
  send(peer: string, kind: string, data: Uint8Array): void;
  subscribe(kind: string, handler: ChannelHandler): () => void;
}

/** Everything a plugin is given. */
export interface ConsensusContext {
  app: ConsensusApp;
  /** The chain shard the plugin decides (votes and certificates name it). */
  chain: { chainId: number; shard: number };
  committee: Committee;
  keys: { ed25519: Ed25519KeyPair; bls?: BlsKeyPair };
  /** Null for single-node plugins. */
  channel: ConsensusChannel | null;
  clock: Clock;
  logger: Logger;
  /** The plugin's parameters from the chain configuration. */
  params: Record<string, unknown>;
}

/** Proof that a member misbehaved: two signed messages that contradict each other. */
export interface Evidence {
  kind: "double-proposal" | "double-vote" | "double-production";
  /** ed25519 key of the member at fault. */
  offender: Uint8Array;
  height: number;
  /** Round or slot the two messages were for. */
  round: number;
  /** The two signed messages, encoded as the plugin sends them. */
  first: Uint8Array;
  second: Uint8Array;
}

/**
 * What a plugin is doing, for the API, metrics and researchers: where it stands and monotonic totals of what it did
 * since it was created (a restarted node starts again from 0).
 */
export interface ConsensusStatus {
  /** The plugin's name. */
  plugin: string;
  /** The height being decided: the next block's. */
  height: number;
  /** Round of that height (round-based plugins). */
  round?: number;
  /** Step within the round (round-based plugins). */
  step?: string;
  /** Round this node is locked in, -1 when not locked (bft). */
  lockedRound?: number;
  epoch?: number;
  /** This epoch's producers in slot order, ed25519 public keys in hex (dpos). */
  producers?: string[];
  /** Monotonic totals by event name (e.g. `blocksProduced`, `viewChanges`); each plugin documents its own. */
  counters: Record<string, number>;
}

/** A consensus plugin: decides who proposes, how votes flow and when a block is final. */
export interface ConsensusPlugin {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Whether a header's certificate proves it was decided by the committee. */
  verifyCertificate(header: Header): boolean;
  /** Misbehaviour this node has seen, oldest first. */
  evidence(): Evidence[];
  /** Where the plugin stands and what it has done so far; cheap enough to call on every metrics scrape. */
  status(): ConsensusStatus;
}

/** Builds a plugin from its context; plugins are looked up by name in a registry of these. */
export type ConsensusFactory = (ctx: ConsensusContext) => ConsensusPlugin;
