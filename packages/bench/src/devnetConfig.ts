import { BenchError } from "./benchError.ts";

/**
 * Consensus plugins `vshard devnet --consensus` offers. Named here rather than imported: the bench is a client of the
 * node and does not import the consensus package; the devnet itself refuses a plugin it does not have.
 */
export const CONSENSUS_PLUGINS = ["solo", "bft", "dpos"] as const;

/** A consensus plugin of {@link CONSENSUS_PLUGINS}. */
export type ConsensusPluginName = (typeof CONSENSUS_PLUGINS)[number];

/** The devnet a benchmark run launches: its consensus plugin and how many nodes run it (in one process). */
export interface DevnetConfig {
  consensus: ConsensusPluginName;
  nodes: number;
}

/** What the harness launches unless told otherwise: today's single solo node, funded at genesis. */
export const DEFAULT_DEVNET: DevnetConfig = { consensus: "solo", nodes: 1 };

/** `--sweep-consensus` given without a list: the single node against the smallest committee of each multi-node plugin. */
export const DEFAULT_CONSENSUS_SWEEP = "solo:1,bft:4,bft:7,dpos:4";

function isPlugin(name: string): name is ConsensusPluginName {
  return (CONSENSUS_PLUGINS as readonly string[]).includes(name);
}

/** Whether `config` is the single solo node (launched with a genesis that funds the accounts, no cluster). */
export function isSoloDevnet(config: DevnetConfig): boolean {
  return config.consensus === "solo" && config.nodes === 1;
}

/** "bft:4": the form `--sweep-consensus` takes, used as the label of a configuration in tables and charts. */
export function devnetLabel(config: DevnetConfig): string {
  return `${config.consensus}:${config.nodes}`;
}

/**
 * Validates a plugin name and node count (as `--consensus` and `--nodes` give them): a known plugin, a whole number
 * of nodes ≥ 1, and one node for `solo` (one authority). Throws a {@link BenchError} naming `field` otherwise.
 */
export function devnetConfig(consensus: string, nodes: number, field = "consensus"): DevnetConfig {
  if (!isPlugin(consensus))
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field },
      `unknown consensus plugin '${consensus}' (expected ${CONSENSUS_PLUGINS.join(", ")})`,
    );
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field },
      `the node count must be a whole number ≥ 1, got ${nodes}`,
    );
  if (consensus === "solo" && nodes !== 1)
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field },
      `solo consensus runs one node, got ${nodes} (use bft or dpos for a cluster)`,
    );
  return { consensus, nodes };
}

/**
 * Parses a `--sweep-consensus` list such as `solo:1,bft:4,bft:7,dpos:4` (spaces around entries allowed). A bad or
 * repeated entry throws a {@link BenchError} whose field is `sweepConsensus[i]` and whose message quotes the entry.
 */
export function parseDevnetConfigList(text: string): DevnetConfig[] {
  const seen = new Set<string>();
  return text.split(",").map((raw, i) => {
    const entry = raw.trim();
    const field = `sweepConsensus[${i}]`;
    const fail = (why: string): never => {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field },
        `--sweep-consensus entry ${i + 1} '${entry}': ${why}`,
      );
    };
    const m = /^([A-Za-z][\w-]*):(\d+)$/.exec(entry);
    if (!m) fail("expected plugin:nodes, e.g. bft:4");
    const [, plugin, count] = m as RegExpExecArray;
    let config: DevnetConfig;
    try {
      config = devnetConfig(plugin, Number(count), field);
    } catch (err) {
      return fail((err as Error).message);
    }
    const label = devnetLabel(config);
    if (seen.has(label)) fail("listed twice");
    seen.add(label);
    return config;
  });
}
