import { LedgerError } from "@vshard/types";

/** Why a dpos parameter or state is refused. */
export type DposErrorCode =
  | "DPOS_ERROR_BAD_OPTION"
  | "DPOS_ERROR_NO_SCHEDULE"
  | "DPOS_ERROR_BAD_SCHEDULE"
  | "DPOS_ERROR_NO_GENESIS";

/** A dpos configuration or schedule problem; `param` names the parameter at fault when there is one. */
export class DposError extends LedgerError<{ code: DposErrorCode; param?: string }> {}

/** Faults a node injects on purpose (for researchers and tests). */
export interface DposFaults {
  /** As producer, build two different blocks for each of its slots and publish both. */
  doubleProduce: boolean;
}

/** Parameters of the dpos plugin. */
export interface DposOptions {
  /** How many candidates each epoch elects as producers (N). */
  producers: number;
  /** Blocks per epoch; the schedule of epoch e is elected from the state after block e × epochLength. */
  epochLength: number;
  /** Length of one production slot. */
  slotMs: number;
  /** Produce blocks even when the mempool is empty (finality needs later blocks, so this is on by default). */
  emptyBlocks: boolean;
  /** Most blocks the fork tree holds above the last irreversible block; production pauses at the bound. */
  maxForkDepth: number;
  /** Most blocks kept while their parent is unknown (the oldest is dropped first). */
  maxOrphans: number;
  faults: DposFaults;
}

/**
 * 21 producers (the figure of EOS and DESIGN.md), 60-block epochs (30 s at 500 ms slots: elections follow stake
 * within a minute, and an epoch is 4× the 15-block irreversibility depth of 21 producers), 500 ms slots (a block
 * travels a gossip mesh and executes well within it on the development machine), a fork tree of 180 blocks (three
 * epochs: ~90 s of production while fewer than 2/3 of the producers are reachable, then production pauses), 64
 * orphans (a full sync response of the block sync).
 */
export const defaultDposOptions: DposOptions = {
  producers: 21,
  epochLength: 60,
  slotMs: 500,
  emptyBlocks: true,
  maxForkDepth: 180,
  maxOrphans: 64,
  faults: { doubleProduce: false },
};

/** Shortest slot accepted: a double producer stamps its second block 1 ms after the first, in the same slot. */
export const MIN_SLOT_MS = 10;

/** Distinct producers that must have built on a block for it to be irreversible: ⌊2N/3⌋ + 1. */
export function irreversibilityQuorum(producers: number): number {
  return Math.floor((2 * producers) / 3) + 1;
}

function bad(param: string, message: string): never {
  throw new DposError({ code: "DPOS_ERROR_BAD_OPTION", param }, `dpos parameter ${param}: ${message}`);
}

function intParam(params: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
    bad(name, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** The parameter names dpos reads; any other name is refused (a misspelt parameter must not pass silently). */
const KNOWN_PARAMS = [
  "producers",
  "epochLength",
  "slotMs",
  "emptyBlocks",
  "maxForkDepth",
  "maxOrphans",
  "faults",
];

/**
 * Reads dpos parameters, falling back to the defaults; an unknown name or a bad value throws `DposError` naming the
 * parameter.
 */
export function dposOptionsFrom(params: Record<string, unknown>): DposOptions {
  const d = defaultDposOptions;
  for (const name of Object.keys(params))
    if (!KNOWN_PARAMS.includes(name)) bad(name, `unknown; dpos takes ${KNOWN_PARAMS.join(", ")}`);
  const producers = intParam(params, "producers", d.producers, 1);
  const depth = irreversibilityQuorum(producers);
  const epochLength = intParam(params, "epochLength", Math.max(d.epochLength, depth + 1), 1);
  if (epochLength <= depth)
    bad(
      "epochLength",
      `${epochLength} must be greater than the irreversibility depth ${depth} of ${producers} producers`,
    );
  const slotMs = intParam(params, "slotMs", d.slotMs, MIN_SLOT_MS);
  const maxForkDepth = intParam(params, "maxForkDepth", Math.max(d.maxForkDepth, depth + 1), 1);
  if (maxForkDepth <= depth)
    bad("maxForkDepth", `${maxForkDepth} must be greater than the irreversibility depth ${depth}`);
  const maxOrphans = intParam(params, "maxOrphans", d.maxOrphans, 1);
  const empty = params.emptyBlocks;
  if (empty !== undefined && typeof empty !== "boolean") bad("emptyBlocks", "expected a boolean");
  const faults = params.faults;
  if (faults !== undefined && (typeof faults !== "object" || faults === null || Array.isArray(faults)))
    bad("faults", "expected an object such as {doubleProduce: true}");
  for (const name of Object.keys(faults ?? {}))
    if (name !== "doubleProduce") bad(`faults.${name}`, "unknown; dpos faults are: doubleProduce");
  const doubleProduce = (faults as Record<string, unknown> | undefined)?.doubleProduce;
  if (doubleProduce !== undefined && typeof doubleProduce !== "boolean")
    bad("faults.doubleProduce", "expected a boolean");
  return {
    producers,
    epochLength,
    slotMs,
    emptyBlocks: empty ?? d.emptyBlocks,
    maxForkDepth,
    maxOrphans,
    faults: { doubleProduce: doubleProduce ?? false },
  };
}
