import { SmallbankOp } from "@vshard/types";

/** One Smallbank operation as the workload issued it (customers by index). */
export interface SmallbankCall {
  op: SmallbankOp;
  customer: number;
  other: number;
  amount: bigint;
}

/**
 * An independent reference model of Smallbank, written from the benchmark's definition (not from the engine's code),
 * used to replay the committed operations in chain order. It tracks the money that enters (deposits, savings
 * transactions) and leaves (checks written, penalties included), so conservation can be checked:
 * Σ(checking + savings) = money in − money out.
 */
export class SmallbankModel {
  readonly checking: bigint[];
  readonly savings: bigint[];
  moneyIn = 0n;
  moneyOut = 0n;
  aborted = 0;

  constructor(customers: number) {
    this.checking = new Array(customers).fill(0n);
    this.savings = new Array(customers).fill(0n);
  }

  apply(c: SmallbankCall): void {
    const { customer: a, other: b, amount: v } = c;
    switch (c.op) {
      case SmallbankOp.Balance:
        return;
      case SmallbankOp.DepositChecking:
        if (v < 0n) this.aborted++;
        else {
          this.checking[a] += v;
          this.moneyIn += v;
        }
        return;
      case SmallbankOp.TransactSavings:
        if (this.savings[a] + v < 0n) this.aborted++;
        else {
          this.savings[a] += v;
          if (v >= 0n) this.moneyIn += v;
          else this.moneyOut -= v;
        }
        return;
      case SmallbankOp.Amalgamate: {
        const total = this.savings[a] + this.checking[a];
        this.savings[a] = 0n;
        this.checking[a] = 0n;
        this.checking[b] += total;
        return;
      }
      case SmallbankOp.WriteCheck: {
        const debit = this.savings[a] + this.checking[a] < v ? v + 1n : v;
        this.checking[a] -= debit;
        this.moneyOut += debit;
        return;
      }
      case SmallbankOp.SendPayment:
        if (this.checking[a] < v) this.aborted++;
        else {
          this.checking[a] -= v;
          this.checking[b] += v;
        }
        return;
    }
  }

  /** Σ(checking + savings) over all customers. */
  total(): bigint {
    let sum = 0n;
    for (let i = 0; i < this.checking.length; i++) sum += this.checking[i] + this.savings[i];
    return sum;
  }
}
