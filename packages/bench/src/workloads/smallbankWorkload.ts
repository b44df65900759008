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
import { type SmallbankCall, SmallbankModel } from "./smallbankModel.ts";
import { BenchAccounts, type Workload, type WorkloadCheck, type WorkloadOptions } from "./workload.ts";

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

/** The six Smallbank transactions in the usual mix, as native txs, with a conservation check at the end. */
export class SmallbankWorkload implements Workload {
  readonly name = "smallbank";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly mix = createWeightedSampler(SMALLBANK_MIX);
  private readonly uniform;
  private readonly hot;
  /** Every call issued, by tx hash, to replay the committed ones in chain order. */
  private readonly calls = new Map<string, SmallbankCall>();

  constructor(private readonly opts: SmallbankWorkloadOptions) {
    if (opts.accounts < 2) throw new Error("smallbank needs at least 2 customers");
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    this.uniform = createUniformSampler(opts.accounts);
    this.hot = createUniformSampler(Math.max(1, Math.round(opts.accounts * HOT_SHARE)));
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
      if (pair) {
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

  async check(client: ApiClient, finalOrder: readonly string[]): Promise<WorkloadCheck> {
    const model = new SmallbankModel(this.opts.accounts);
    for (const hash of finalOrder) {
      const call = this.calls.get(hash);
      if (call) model.apply(call);
    }
    let chainTotal = 0n;
    let mismatched = 0;
    for (let c = 0; c < this.opts.accounts; c++) {
      const r = (await client.request(
        "GET",
        `/v1/smallbank/${addressToText(this.accounts.addresses[c])}`,
      )) as { checking: string; savings: string };
      chainTotal += BigInt(r.checking) + BigInt(r.savings);
      if (BigInt(r.checking) !== model.checking[c] || BigInt(r.savings) !== model.savings[c]) mismatched++;
    }
    const expected = model.moneyIn - model.moneyOut;
    const passed = chainTotal === expected && model.total() === expected && mismatched === 0;
    return {
      name: "smallbank money conserved",
      passed,
      details:
        `Σ(checking + savings) on chain ${chainTotal}, expected ${expected} = ${model.moneyIn} in − ${model.moneyOut} out ` +
        `over ${finalOrder.length} final txs (${model.aborted} aborted); ${mismatched} of ${this.opts.accounts} customers differ from the replay`,
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
      shard: this.opts.shard,
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
