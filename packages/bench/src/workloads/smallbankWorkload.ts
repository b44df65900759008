import { SeededRandom } from "@vshard/crypto";
import type { ApiClient } from "@vshard/node";
import { addressToText, SmallbankOp, TxKind } from "@vshard/types";
import type { ReadyTx } from "../runner/loadDriver.ts";
import {
  createUniformSampler,
  createWeightedSampler,
  SMALLBANK_MIX,
  type SmallbankTxName,
} from "./indexSampler.ts";
import { ShardGroups } from "./shardGroups.ts";
import { type SmallbankCall, SmallbankModel } from "./smallbankModel.ts";
import {
  BenchAccounts,
  type ShardScope,
  type Workload,
  type WorkloadCheck,
  type WorkloadOptions,
} from "./workload.ts";

/** Options of the Smallbank workload. */
export interface SmallbankWorkloadOptions extends WorkloadOptions {
  /** Fraction of operations whose customers come from the hot 1% (0: uniform). */
  hotspot: number;
}

const OPS: Record<SmallbankTxName, SmallbankOp> = {
  Amalgamate: SmallbankOp.Amalgamate,
  Balance: SmallbankOp.Balance,
  DepositChecking: SmallbankOp.DepositChecking,
  SendPayment: SmallbankOp.SendPayment,
  TransactSavings: SmallbankOp.TransactSavings,
  WriteCheck: SmallbankOp.WriteCheck,
};

/** Native balance of each customer: it pays fees only (10^12 covers any run). */
const FEE_BALANCE = 1_000_000_000_000n;
/** Opening checking and savings of every customer, deposited by the setup phase. */
const OPENING_BALANCE = 10_000n;
/** Amounts of the measured operations: 1..100, small next to the opening balances so most ops succeed. */
const MAX_AMOUNT = 100;
/** Share of customers that are hot when `hotspot` > 0. */
const HOT_SHARE = 0.01;

/**
 * The six Smallbank transactions in the usual mix, as native txs, with a conservation check at the end. On a sharded
 * chain each op goes to its customer's home shard, its second customer is drawn among that shard's customers, and
 * the check runs per shard against that shard's state.
 */
export class SmallbankWorkload implements Workload {
  readonly name = "smallbank";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly mix = createWeightedSampler(SMALLBANK_MIX);
  private readonly uniform;
  private readonly hot;
  private readonly groups: ShardGroups | null;
  /** Every call issued, by tx hash, to replay the committed ones in chain order. */
  private readonly calls = new Map<string, SmallbankCall>();

  constructor(private readonly opts: SmallbankWorkloadOptions) {
    if (opts.accounts < 2) throw new Error("smallbank needs at least 2 customers");
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    this.uniform = createUniformSampler(opts.accounts);
    this.hot = createUniformSampler(Math.max(1, Math.round(opts.accounts * HOT_SHARE)));
    this.groups = opts.shards === undefined ? null : new ShardGroups(this.accounts.addresses, opts.shards, 2);
  }

  genesisAccounts() {
    return this.accounts.genesis(FEE_BALANCE);
  }

  setupTxs(): ReadyTx[] {
    const out: ReadyTx[] = [];
    for (let c = 0; c < this.opts.accounts; c++) {
      out.push(
        this.issue({ op: SmallbankOp.DepositChecking, customer: c, other: -1, amount: OPENING_BALANCE }),
      );
      out.push(
        this.issue({ op: SmallbankOp.TransactSavings, customer: c, other: -1, amount: OPENING_BALANCE }),
      );
    }
    return out;
  }

  nextTxs(count: number): ReadyTx[] {
    return Array.from({ length: count }, () => {
      const op = OPS[this.mix.sample(this.rng)];
      const customer = this.pick();
      const pair = op === SmallbankOp.Amalgamate || op === SmallbankOp.SendPayment;
      let other = -1;
      if (pair && this.groups) other = this.groups.partner(this.rng, customer);
      else if (pair) {
        other = this.pick();
        if (other === customer)
          other = (customer + 1 + this.rng.uniformInt(this.opts.accounts - 1)) % this.opts.accounts;
      }
      const magnitude = BigInt(1 + this.rng.uniformInt(MAX_AMOUNT));
      const amount =
        op === SmallbankOp.Balance || op === SmallbankOp.Amalgamate
          ? 0n
          : op === SmallbankOp.TransactSavings && this.rng.next() < 0.5
            ? -magnitude
            : magnitude;
      return this.issue({ op, customer, other, amount });
    });
  }

  async check(client: ApiClient, finalOrder: readonly string[], scope?: ShardScope): Promise<WorkloadCheck> {
    const model = new SmallbankModel(this.opts.accounts);
    for (const hash of finalOrder) {
      const call = this.calls.get(hash);
      if (call) model.apply(call);
    }
    const customers = scope
      ? (this.groups?.members[scope.shard] ?? [])
      : Array.from({ length: this.opts.accounts }, (_, c) => c);
    const prefix = scope ? `/v1/chains/${scope.chainId}/shards/${scope.shard}/smallbank` : "/v1/smallbank";
    let chainTotal = 0n;
    let modelTotal = 0n;
    let mismatched = 0;
    const name = scope ? `smallbank money conserved in shard ${scope.shard}` : "smallbank money conserved";
    for (const c of customers) {
      const path = `${prefix}/${addressToText(this.accounts.addresses[c])}`;
      let r: { checking: string; savings: string };
      try {
        r = await client.request("GET", path);
      } catch (err) {
        // A node that cannot serve the state (e.g. no such route) fails the check rather than the whole run.
        return { name, passed: false, details: `cannot read GET ${path}: ${(err as Error).message}` };
      }
      chainTotal += BigInt(r.checking) + BigInt(r.savings);
      modelTotal += model.checking[c] + model.savings[c];
      if (BigInt(r.checking) !== model.checking[c] || BigInt(r.savings) !== model.savings[c]) mismatched++;
    }
    // Ops of one shard touch only its customers, so the money that entered and left is that shard's.
    const expected = model.moneyIn - model.moneyOut;
    const passed = chainTotal === expected && modelTotal === expected && mismatched === 0;
    return {
      name,
      passed,
      details:
        `Σ(checking + savings) on chain ${chainTotal}, expected ${expected} = ${model.moneyIn} in − ${model.moneyOut} out ` +
        `over ${finalOrder.length} final txs (${model.aborted} aborted); ${mismatched} of ${customers.length} customers differ from the replay`,
    };
  }

  private pick(): number {
    return this.opts.hotspot > 0 && this.rng.next() < this.opts.hotspot
      ? this.hot.sample(this.rng)
      : this.uniform.sample(this.rng);
  }

  private issue(call: SmallbankCall): ReadyTx {
    const ready = this.accounts.sign(call.customer, {
      chainId: this.opts.chainId,
      shard: this.groups ? this.groups.shardOf[call.customer] : this.opts.shard,
      kind: TxKind.Smallbank,
      sender: this.accounts.publicKey(call.customer),
      nonce: this.accounts.takeNonce(call.customer),
      fee: 1n,
      payload: {
        op: call.op,
        ...(call.other >= 0 ? { other: this.accounts.addresses[call.other] } : {}),
        amount: call.amount,
      },
    });
    this.calls.set(ready.hashHex, call);
    return ready;
  }
}
