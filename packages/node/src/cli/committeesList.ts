import type { Command } from "commander";
import { ApiClient, type EpochCommitteesJson } from "../client/apiClient.ts";
import { verifyEpochCommittees } from "./committeesVerify.ts";
import { API_OPTION, intOption } from "./options.ts";

/** Hex digits of a validator key `vshard committees` shows: 48 bits tell a few thousand validators apart. */
export const SHORT_KEY_HEX = 12;

/** Members shown per line of a committee. */
const MEMBERS_PER_LINE = 6;

/** The mark after a witness's key. */
const WITNESS_MARK = "*";

const short = (hex: string) => `${hex.slice(0, SHORT_KEY_HEX)}…`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What `vshard committees` prints for an epoch's assignment: a line on the epoch, then per shard its members in rank
 * order (shortened keys, witnesses marked `*`), then the excluded validators with the reason.
 */
export function committeeLines(c: EpochCommitteesJson): string[] {
  const seed = c.assignment?.seed ?? c.seed;
  const head = `epoch ${c.epoch}: fixed at main height ${c.fixedAtHeight}${seed ? `, seed ${short(seed)}` : ""}`;
  if (c.assignment === null) return [`${head}; no shard to draw committees for`];
  const a = c.assignment;
  const lines = [
    `${head}; ${plural(a.committees.length, "committee")}, ` +
      `${plural(a.witnessesPerCommittee, "witness", "witnesses")} each ` +
      `(marked ${WITNESS_MARK})`,
  ];
  for (const committee of a.committees) {
    const witnesses = new Set(committee.witnesses);
    lines.push(
      `chain ${committee.chainId} shard ${committee.shard}: ${plural(committee.members.length, "member")}, ` +
        plural(committee.witnesses.length, "witness", "witnesses"),
    );
    const cells = committee.members.map((m) => `${short(m.id)}${witnesses.has(m.id) ? WITNESS_MARK : " "}`);
    for (let i = 0; i < cells.length; i += MEMBERS_PER_LINE)
      lines.push(
        `  ${cells
          .slice(i, i + MEMBERS_PER_LINE)
          .join(" ")
          .trimEnd()}`,
      );
  }
  if (a.excluded.length > 0)
    lines.push(`excluded: ${a.excluded.map((e) => `${short(e.id)} (${e.reason})`).join(", ")}`);
  return lines;
}

/** Options of `vshard committees list`, as parsed. */
interface ListOptions {
  epoch?: number;
  verify?: boolean;
  api: string;
}

/**
 * Adds `list` to `vshard committees`, as its default subcommand: `vshard committees [--epoch N] [--verify]` lists an
 * epoch's committees and, with `--verify`, recomputes them locally (exit code 1 on differences).
 */
export function registerCommitteesListCommand(committees: Command): void {
  committees
    .command("list", { isDefault: true })
    .description(
      "(default) each shard's committee of an epoch as the main chain fixed it; --verify recomputes the " +
        "assignment locally from the published seed proofs and sortition proofs and prints OK or the differences",
    )
    .option("--epoch <n>", "the epoch (default: the current one)", intOption)
    .option("--verify", "recompute the assignment and check the seed; exit code 1 when anything differs")
    .option(...API_OPTION)
    .action(async (o: ListOptions) => {
      const client = new ApiClient(o.api);
      const n = o.epoch ?? (await client.epochs()).epoch;
      const committees = await client.epochCommittees(n);
      for (const line of committeeLines(committees)) console.log(line);
      if (!o.verify) return;
      const [epoch, previous, mainChainId] = await Promise.all([
        client.epoch(n),
        n === 0 ? null : client.epoch(n - 1),
        n === 0 ? client.chains().then((c) => c.main.chainId) : 0,
      ]);
      const report = verifyEpochCommittees({ committees, epoch, previous, mainChainId });
      for (const line of report.lines) console.log(line);
      if (!report.ok) process.exitCode = 1;
    });
}
