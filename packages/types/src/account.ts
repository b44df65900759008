import { amountToWire, decodeTuple, encodeTuple, expectAmount, expectUint } from "./codec.ts";

/** The state of one sub-account in its shard. */
export interface Account {
  balance: bigint;
  nonce: number;
}

/** The state of an account never seen. */
export const EMPTY_ACCOUNT: Readonly<Account> = Object.freeze({ balance: 0n, nonce: 0 });

/** Canonical bytes: [balance, nonce]. */
export function encodeAccount(account: Account): Uint8Array {
  return encodeTuple([amountToWire(account.balance), account.nonce]);
}

/** Decodes an account; malformed bytes throw `CodecError`. */
export function decodeAccount(bytes: Uint8Array): Account {
  const [balance, nonce] = decodeTuple(bytes, 2, "account");
  return { balance: expectAmount(balance, "account.balance"), nonce: expectUint(nonce, "account.nonce") };
}
