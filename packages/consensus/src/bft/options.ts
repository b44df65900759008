import { BftError } from "./bftError.ts";

/** Fault injection for research and tests: makes this node Byzantine on purpose. */
export interface BftFaults {
  /**
   * Equivocate on every round: as proposer, build two different blocks (the second stamped one millisecond later)
   * and publish a signed proposal for each; as voter, publish every prevote and precommit twice, for the hash this
   * node's honest logic chose and for a different one (its other block, or a made-up hash). Honest nodes record each
   * pair as evidence; safety must (and does) hold regardless.
   */
  equivocate: boolean;
}

/** Parameters of the bft plugin (`params` of the chain configuration). */
export interface BftOptions {
  /** Wait for the round's proposal before prevoting nil, at round 0. */
  timeoutProposeMs: number;
  /** Wait after seeing a quorum of mixed prevotes (or precommits) before moving on, at round 0. */
  timeoutVoteMs: number;
  /** Added to every timeout per round, so that rounds eventually last longer than the network's delays. */
  timeoutDeltaMs: number;
  /** Upper bound of any timeout, however many rounds have failed. */
  maxTimeoutMs: number;
  /** How often a node sends again the proposal and votes it signed in its current round (lost messages). */
  rebroadcastMs: number;
  /** Wait after a commit before the next height starts: gathers transactions and late precommits. */
  blockIntervalMs: number;
  /** Propose blocks even when the mempool is empty (a visible heartbeat); when off, a height waits for txs. */
  emptyBlocks: boolean;
  faults: BftFaults;
}

/**
 * 1 s to propose: a proposer executes a block and sends it (tens of ms on a LAN), with room for a slow disk and a busy
 * machine. 500 ms for votes: a vote is ~150 bytes and one BLS verify, so a quorum is normally in within a few network
 * delays. +500 ms per failed round, capped at 8 s: after a few failed rounds, every honest node waits long enough
 * even across continents, and a crashed proposer costs at most one capped round. Resend after 1 s: a healthy height
 * ends long before (so it costs nothing there), while a lost vote holds a round up for about a second, not forever
 * (the protocol assumes every message eventually arrives). 250 ms between blocks, empty blocks on: the same cadence and
 * visible heartbeat as the solo plugin.
 */
export const defaultBftOptions: BftOptions = {
  timeoutProposeMs: 1_000,
  timeoutVoteMs: 500,
  timeoutDeltaMs: 500,
  maxTimeoutMs: 8_000,
  rebroadcastMs: 1_000,
  blockIntervalMs: 250,
  emptyBlocks: true,
  faults: { equivocate: false },
};

function fail(option: string, message: string): never {
  throw new BftError({ code: "BFT_ERROR_BAD_OPTION", field: option }, `bft option ${option}: ${message}`);
}

function durationAt(params: Record<string, unknown>, name: keyof BftOptions, min: number): number {
  const value = params[name];
  if (value === undefined) return defaultBftOptions[name] as number;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min)
    fail(name, `expected a number of milliseconds >= ${min}, got ${JSON.stringify(value)}`);
  return value;
}

function faultsAt(value: unknown): BftFaults {
  if (value === undefined) return { ...defaultBftOptions.faults };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail("faults", "expected an object such as { equivocate: true }");
  const faults = value as Record<string, unknown>;
  for (const key of Object.keys(faults))
    if (key !== "equivocate") fail(`faults.${key}`, "unknown fault; known: equivocate");
  if (faults.equivocate !== undefined && typeof faults.equivocate !== "boolean")
    fail("faults.equivocate", `expected a boolean, got ${JSON.stringify(faults.equivocate)}`);
  return { equivocate: faults.equivocate === true };
}

/** Reads bft parameters, falling back to the defaults; unknown names and bad values throw `BftError`. */
export function bftOptionsFrom(params: Record<string, unknown>): BftOptions {
  const known = Object.keys(defaultBftOptions);
  for (const key of Object.keys(params))
    if (!known.includes(key)) fail(key, `unknown parameter; known: ${known.join(", ")}`);
  const opts: BftOptions = {
    timeoutProposeMs: durationAt(params, "timeoutProposeMs", 1),
    timeoutVoteMs: durationAt(params, "timeoutVoteMs", 1),
    timeoutDeltaMs: durationAt(params, "timeoutDeltaMs", 0),
    maxTimeoutMs: durationAt(params, "maxTimeoutMs", 1),
    rebroadcastMs: durationAt(params, "rebroadcastMs", 1),
    blockIntervalMs: durationAt(params, "blockIntervalMs", 0),
    emptyBlocks: defaultBftOptions.emptyBlocks,
    faults: faultsAt(params.faults),
  };
  if (params.emptyBlocks !== undefined) {
    if (typeof params.emptyBlocks !== "boolean")
      fail("emptyBlocks", `expected a boolean, got ${JSON.stringify(params.emptyBlocks)}`);
    opts.emptyBlocks = params.emptyBlocks;
  }
  if (opts.maxTimeoutMs < Math.max(opts.timeoutProposeMs, opts.timeoutVoteMs))
    fail("maxTimeoutMs", "must be at least timeoutProposeMs and timeoutVoteMs");
  return opts;
}

/** Which wait a timeout is. */
export type TimeoutStep = "propose" | "prevote" | "precommit";

/** The timeout of a step in a round: base + round × delta, capped at `maxTimeoutMs`. */
export function bftTimeoutMs(opts: BftOptions, step: TimeoutStep, round: number): number {
  const base = step === "propose" ? opts.timeoutProposeMs : opts.timeoutVoteMs;
  return Math.min(base + round * opts.timeoutDeltaMs, opts.maxTimeoutMs);
}
