import {
  type ExactProbability,
  type SafeCommitteeSize,
  type ShardTakeoverBound,
  shardTakeoverBound,
  smallestSafeCommitteeSize,
  TakeoverBoundError,
  type TakeoverField,
} from "@vshard/engine";
import { type Command, InvalidArgumentError, Option } from "commander";
import { registerCommitteesListCommand } from "./committeesList.ts";
import { intOption } from "./options.ts";

/** The takeover bound `vshard committees bound` keeps under unless `--max` says otherwise. */
export const DEFAULT_TAKEOVER_MAX = 1e-6;

/** The flag of the CLI that feeds each input field of the takeover functions, to name it in errors. */
const FLAG_OF_FIELD: Record<TakeoverField, string> = {
  validators: "--validators",
  byzantine: "--byzantine",
  byzantineFraction: "--byzantine",
  committeeSize: "--committee-size",
  shards: "--shards",
  max: "--max",
};

/** Options of `vshard committees bound`, as parsed. */
export interface CommitteesBoundOptions {
  validators: number;
  /** The Byzantine fraction, in [0, 1). */
  byzantine: number;
  committeeSize: number;
  shards: number;
  max: number;
}

/**
 * `vshard committees …`: `list` (the default: `vshard committees [--epoch N] [--verify]`) shows an epoch's committees
 * and checks them; `bound` prints the takeover bound of a committee configuration.
 */
export function registerCommitteesCommand(program: Command): void {
  const committees = program
    .command("committees")
    .description(
      "an epoch's committees (`vshard committees [--epoch N] [--verify]` runs `list`, the default) and the " +
        "takeover odds of committee sizes (`bound`)",
    );
  registerCommitteesListCommand(committees);
  committees
    .command("bound")
    .description(
      "the chance that some shard's committee gets >= 1/3 Byzantine members (hypergeometric, committees drawn " +
        "without replacement), checked against --max, and the smallest committee size that keeps it under",
    )
    .requiredOption("--validators <n>", "validators the committees are drawn from", intOption)
    .requiredOption("--byzantine <fraction>", "Byzantine fraction of the validators, in [0, 1)", numberOption)
    .requiredOption("--committee-size <k>", "members of each committee", intOption)
    .requiredOption("--shards <m>", "shards, one committee each (m × k ≤ n)", intOption)
    .addOption(
      new Option("--max <p>", "bound to stay under")
        .argParser(numberOption)
        .default(DEFAULT_TAKEOVER_MAX, formatNumber(DEFAULT_TAKEOVER_MAX)),
    )
    .action((o: CommitteesBoundOptions) => {
      for (const line of committeesBoundLines(o)) console.log(line);
    });
}

/**
 * What `vshard committees bound` prints for these options: the per-committee probability, the union bound for the
 * shards (and the exact value when it was computed), the smallest committee size under `max`, and `OK` or a warning.
 * @throws Error naming the flag at fault when an option is out of range.
 */
export function committeesBoundLines(o: CommitteesBoundOptions): string[] {
  try {
    const result = shardTakeoverBound({
      validators: o.validators,
      byzantineFraction: o.byzantine,
      committeeSize: o.committeeSize,
      shards: o.shards,
    });
    const smallest = smallestSafeCommitteeSize({
      validators: o.validators,
      byzantineFraction: o.byzantine,
      shards: o.shards,
      max: o.max,
    });
    return takeoverReportLines(result, o.max, smallest);
  } catch (err) {
    if (err instanceof TakeoverBoundError) throw new Error(`${FLAG_OF_FIELD[err.field]}: ${err.reason}`);
    throw err;
  }
}

/**
 * The report lines for a computed bound (also for the devnet to print its own configuration): the configuration, the
 * per-committee probability, the union bound, the exact value when known, the smallest safe size, then a last line
 * `OK: …` when `bound ≤ max`, else `WARNING: …`.
 */
export function takeoverReportLines(
  r: ShardTakeoverBound,
  max: number,
  smallest: SafeCommitteeSize | null,
): string[] {
  const share = `${Number(((100 * r.byzantine) / r.validators).toFixed(2))}%`;
  const shards = r.shards === 1 ? "1 shard" : `${r.shards} shards`;
  const lines = [
    `${r.validators} validators, ${r.byzantine} Byzantine (${share}); ${shards}, committees of ${r.committeeSize}; ` +
      `${r.threshold} Byzantine members (⌈${r.committeeSize}/3⌉) take a committee over`,
    `per-committee takeover probability: ${describe(r.perCommittee)}`,
    `some shard taken over, union bound (an upper bound): ${describe(r.bound)}`,
    r.exact === null
      ? "some shard taken over, exact: not computed (too costly for this size; the bound above holds)"
      : `some shard taken over, exact: ${describe(r.exact)}`,
    smallest === null
      ? `smallest committee size with bound ≤ ${formatNumber(max)} for ${shards}: none up to ` +
        `${Math.floor(r.validators / r.shards)}`
      : `smallest committee size with bound ≤ ${formatNumber(max)} for ${shards}: ${smallest.committeeSize} ` +
        `(bound ${formatNumber(smallest.bound)})`,
  ];
  const bound = formatProbability(r.bound);
  lines.push(
    r.bound.probability <= max
      ? `OK: bound ${bound} ≤ max ${formatNumber(max)}`
      : `WARNING: bound ${bound} exceeds max ${formatNumber(max)}` +
          (smallest === null
            ? "; no committee size keeps it under"
            : `; the smallest committee size under it is ${smallest.committeeSize}`),
  );
  return lines;
}

/** A probability in 4 significant digits, exponent form below 1e-3, also where the double underflows. */
export function formatProbability(p: ExactProbability): string {
  if (p.numerator === 0n) return "0";
  if (p.numerator === p.denominator) return "1";
  if (p.probability >= 1e-300) return formatNumber(p.probability);
  const exponent = Math.floor(p.log10);
  return `${(10 ** (p.log10 - exponent)).toFixed(3)}e${exponent}`;
}

function describe(p: ExactProbability): string {
  const text = formatProbability(p);
  if (p.numerator === 0n || p.log10 > -1) return text;
  const inverse = -p.log10;
  if (inverse < 6) return `${text} (1 in ${Math.round(10 ** inverse)})`;
  const exponent = Math.floor(inverse);
  return `${text} (1 in ${(10 ** (inverse - exponent)).toFixed(2)}e${exponent})`;
}

function formatNumber(x: number): string {
  if (x === 0 || x === 1) return String(x);
  if (x < 1e-3) return x.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(x.toPrecision(4)));
}

function numberOption(value: string): number {
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value))
    throw new InvalidArgumentError(`'${value}' is not a number`);
  return Number(value);
}
