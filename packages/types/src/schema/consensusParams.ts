import { childPath, readBool, readChoice, readInteger, readObject } from "./jsonReader.ts";
import { schemaFail } from "./schemaError.ts";
import {
  type BftParams,
  CONSENSUS_PLUGINS,
  type DposParams,
  MAX_COMMITTEE_SIZE,
  MAX_TIMEOUT_MS,
  type ShardConsensus,
  type SoloParams,
} from "./schemaTypes.ts";

/**
 * Defaults of the plugin parameters, the same values as the plugins' own defaults
 * (packages/consensus/src/…/options.ts): a schema stores them filled in, so that a registered chain keeps its
 * consensus settings when a node's code changes. The block cadence is not a plugin parameter here: every plugin takes
 * it from `limits.targetBlockIntervalMs`; fault injection is not either (it belongs to a node's research settings, not
 * to a chain's rules).
 */
export const DEFAULT_SOLO_PARAMS: SoloParams = Object.freeze({ emptyBlocks: true });

/** bft defaults: see `DEFAULT_SOLO_PARAMS` (values of `defaultBftOptions`). */
export const DEFAULT_BFT_PARAMS: BftParams = Object.freeze({
  timeoutProposeMs: 1_000,
  timeoutVoteMs: 500,
  timeoutDeltaMs: 500,
  maxTimeoutMs: 8_000,
  rebroadcastMs: 1_000,
  emptyBlocks: true,
});

/** dpos defaults: see `DEFAULT_SOLO_PARAMS` (values of `defaultDposOptions`); depths grow with `producers`. */
export const DEFAULT_DPOS_PARAMS: DposParams = Object.freeze({
  producers: 21,
  epochLength: 60,
  maxForkDepth: 180,
  maxOrphans: 64,
  emptyBlocks: true,
});

/** Most blocks per dpos epoch (a million blocks: weeks at sub-second slots). */
const MAX_EPOCH_LENGTH = 1_000_000;
/** Most blocks a dpos fork tree or orphan pool may hold (bounds a node's memory). */
const MAX_DPOS_BUFFER = 100_000;

/** The parameter names of each plugin in their canonical (encoding) order. */
export const CONSENSUS_PARAM_ORDER: {
  readonly solo: readonly (keyof SoloParams)[];
  readonly bft: readonly (keyof BftParams)[];
  readonly dpos: readonly (keyof DposParams)[];
} = Object.freeze({
  solo: ["emptyBlocks"],
  bft: [
    "timeoutProposeMs",
    "timeoutVoteMs",
    "timeoutDeltaMs",
    "maxTimeoutMs",
    "rebroadcastMs",
    "emptyBlocks",
  ],
  dpos: ["producers", "epochLength", "maxForkDepth", "maxOrphans", "emptyBlocks"],
});

/** Distinct dpos producers that must build on a block for it to be irreversible: ⌊2N/3⌋ + 1 (as the plugin). */
export function dposIrreversibilityDepth(producers: number): number {
  return Math.floor((2 * producers) / 3) + 1;
}

function boolAt(params: Record<string, unknown>, path: string, name: string, fallback: boolean): boolean {
  return params[name] === undefined ? fallback : readBool(params[name], childPath(path, name));
}

function intAt(
  params: Record<string, unknown>,
  path: string,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  return params[name] === undefined ? fallback : readInteger(params[name], childPath(path, name), min, max);
}

function parseBft(params: Record<string, unknown>, path: string): BftParams {
  const d = DEFAULT_BFT_PARAMS;
  const p = {
    timeoutProposeMs: intAt(params, path, "timeoutProposeMs", d.timeoutProposeMs, 1, MAX_TIMEOUT_MS),
    timeoutVoteMs: intAt(params, path, "timeoutVoteMs", d.timeoutVoteMs, 1, MAX_TIMEOUT_MS),
    timeoutDeltaMs: intAt(params, path, "timeoutDeltaMs", d.timeoutDeltaMs, 0, MAX_TIMEOUT_MS),
    maxTimeoutMs: intAt(params, path, "maxTimeoutMs", d.maxTimeoutMs, 1, MAX_TIMEOUT_MS),
    rebroadcastMs: intAt(params, path, "rebroadcastMs", d.rebroadcastMs, 1, MAX_TIMEOUT_MS),
    emptyBlocks: boolAt(params, path, "emptyBlocks", d.emptyBlocks),
  };
  const least = Math.max(p.timeoutProposeMs, p.timeoutVoteMs);
  if (p.maxTimeoutMs < least)
    schemaFail(
      childPath(path, "maxTimeoutMs"),
      `${p.maxTimeoutMs} is less than timeoutProposeMs and timeoutVoteMs (${least}): it must be at least both`,
    );
  return p;
}

function parseDpos(params: Record<string, unknown>, path: string): DposParams {
  const d = DEFAULT_DPOS_PARAMS;
  const producers = intAt(params, path, "producers", d.producers, 1, MAX_COMMITTEE_SIZE);
  const depth = dposIrreversibilityDepth(producers);
  const deeper = (name: "epochLength" | "maxForkDepth", fallback: number, max: number): number => {
    const value = intAt(params, path, name, Math.max(fallback, depth + 1), 1, max);
    if (value <= depth)
      schemaFail(
        childPath(path, name),
        `${value} must be greater than the irreversibility depth ${depth} of ${producers} producers`,
      );
    return value;
  };
  return {
    producers,
    epochLength: deeper("epochLength", d.epochLength, MAX_EPOCH_LENGTH),
    maxForkDepth: deeper("maxForkDepth", d.maxForkDepth, MAX_DPOS_BUFFER),
    maxOrphans: intAt(params, path, "maxOrphans", d.maxOrphans, 1, MAX_DPOS_BUFFER),
    emptyBlocks: boolAt(params, path, "emptyBlocks", d.emptyBlocks),
  };
}

/**
 * Reads `{ plugin, params? }` at `path`: the plugin must be known, its parameters known to it and in range; the
 * result holds every parameter (defaults filled).
 */
export function parseShardConsensus(value: unknown, path: string): ShardConsensus {
  const raw = readObject(value, path, ["plugin"], ["params"]);
  const plugin = readChoice(raw.plugin, childPath(path, "plugin"), CONSENSUS_PLUGINS);
  const paramsPath = childPath(path, "params");
  const params = readObject(
    raw.params === undefined ? {} : raw.params,
    paramsPath,
    [],
    CONSENSUS_PARAM_ORDER[plugin],
  );
  switch (plugin) {
    case "solo":
      return { plugin, params: { emptyBlocks: boolAt(params, paramsPath, "emptyBlocks", true) } };
    case "bft":
      return { plugin, params: parseBft(params, paramsPath) };
    case "dpos":
      return { plugin, params: parseDpos(params, paramsPath) };
  }
}

/** The parameter values of a shard's consensus in canonical order. */
export function consensusParamsToTuple(consensus: ShardConsensus): unknown[] {
  const params = consensus.params as unknown as Record<string, unknown>;
  return CONSENSUS_PARAM_ORDER[consensus.plugin].map((name) => params[name]);
}
