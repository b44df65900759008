import type { ChainShardJson, ChainSummaryJson, ChainsJson } from "../client/apiClient.ts";

/** The columns of `vshard chain list`. */
const HEADER = ["CHAIN", "NAME", "VERSION", "SHARD", "PLUGIN", "HEIGHT/FINAL", "ANCHORED", "COMMITTEE EPOCH"];

/** Lays rows out in columns two spaces apart, each as wide as its widest cell (trailing spaces trimmed). */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

const orDash = (value: number | null | undefined) =>
  value === null || value === undefined ? "-" : String(value);

/** The cells of one worker-chain shard, from SHARD on. */
function shardCells(s: ChainShardJson): string[] {
  const heights = s.running ? `${orDash(s.height)}/${orDash(s.finalizedHeight)}` : "not running";
  return [String(s.shard), s.plugin, heights, orDash(s.anchoredHeight), orDash(s.committeeEpoch)];
}

/** The rows of a worker chain: one per shard, the chain's id, name and version on its first. */
function chainRows(c: ChainSummaryJson): string[][] {
  const head = [String(c.chainId), c.name, String(c.version)];
  if (c.shards.length === 0) return [[...head, "-", "-", "-", "-", "-"]];
  return c.shards.map((s, i) => [...(i === 0 ? head : ["", "", ""]), ...shardCells(s)]);
}

/**
 * What `vshard chain list` prints: a table with the main chain first (its one shard, height and finalized height),
 * then each worker chain's shards (plugin, height/final or `not running`, the height last anchored on the main chain
 * and the epoch of the committee running it), then a line with the main chain's epoch.
 */
export function chainTableLines(list: ChainsJson): string[] {
  const { main } = list;
  const rows = [
    HEADER,
    [
      String(main.chainId),
      "main",
      "-",
      "0",
      main.plugin ?? "-",
      `${main.height}/${main.finalizedHeight}`,
      "-",
      "-",
    ],
    ...list.chains.flatMap(chainRows),
  ];
  const count = list.chains.length === 1 ? "1 worker chain" : `${list.chains.length} worker chains`;
  return [...formatColumns(rows), `main chain at epoch ${main.epoch}; ${count}`];
}

/** The table of one worker chain alone (after `chain register` or `chain update`). */
export function chainShardLines(chain: ChainSummaryJson): string[] {
  return formatColumns([HEADER, ...chainRows(chain)]);
}
