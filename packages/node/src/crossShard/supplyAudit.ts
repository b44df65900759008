import type { ShardSupply } from "@vshard/engine";
import type { NetworkView } from "../api/networkView.ts";

/** The supply audit of every chain shard this node hosts. */
export interface SupplyAudit {
  /** Σ genesis supply of the shards audited. */
  supply: bigint;
  /** Σ balance + Σ stake of their accounts. */
  balances: bigint;
  /** Receipts sent and not consumed yet: Σ sent − Σ consumed. */
  inFlight: bigint;
  /** balances + inFlight = supply. */
  balanced: boolean;
  /** Whether every registered shard (and the main chain) was audited: else the sums cover only those hosted. */
  complete: boolean;
  /** Registered shards this node does not host (so not audited). */
  missing: string[];
  shards: ShardSupply[];
}

/**
 * Sums balances over every hosted chain shard (each read at its committed head with no commit in between) plus the
 * receipts in flight, and compares with the supply: nothing is created or lost as long as they are equal. Each
 * shard's figures hold at any height, so heights need not line up across shards; `inFlight` is exact when they do.
 */
export async function supplyAudit(network: NetworkView): Promise<SupplyAudit> {
  const shards = await Promise.all(network.shards().map((s) => s.chain.supplySnapshot()));
  const chains = await network.registry.listChains();
  const missing = chains.flatMap((c) =>
    c.shardsAddedAt.flatMap((_, shard) => (network.shard(c.chainId, shard) ? [] : [`${c.chainId}/${shard}`])),
  );
  let supply = 0n;
  let balances = 0n;
  let inFlight = 0n;
  for (const s of shards) {
    supply += s.supply;
    balances += s.balances;
    inFlight += s.sent - s.consumed;
  }
  return {
    supply,
    balances,
    inFlight,
    balanced: balances + inFlight === supply,
    complete: missing.length === 0,
    missing,
    shards,
  };
}

/** The JSON form of an audit (amounts as decimal strings). */
export function supplyAuditToJson(a: SupplyAudit) {
  return {
    supply: a.supply.toString(),
    balances: a.balances.toString(),
    inFlight: a.inFlight.toString(),
    balanced: a.balanced,
    complete: a.complete,
    missing: a.missing,
    shards: a.shards.map((s) => ({
      chainId: s.chainId,
      shard: s.shard,
      height: s.height,
      supply: s.supply.toString(),
      accounts: s.accounts,
      balances: s.balances.toString(),
      sent: s.sent.toString(),
      consumed: s.consumed.toString(),
    })),
  };
}
