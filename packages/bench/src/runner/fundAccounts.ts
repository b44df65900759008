import { bytesToHex, createEd25519Signer, type Ed25519KeyPair } from "@vshard/crypto";
import { ApiClient } from "@vshard/node";
import {
  addressFromPublicKey,
  addressToText,
  encodeSignedTx,
  parseAddress,
  TxKind,
  txHash,
} from "@vshard/types";
import type { FinalitySource } from "./finalityTracker.ts";
import { driveLoad, type ReadyTx } from "./loadDriver.ts";

/**
 * Transfers in flight from the funder at a time: below the mempool's 1,024 pending txs per sender, so funding never
 * trips the per-sender limit.
 */
const FUNDING_WAVE = 1_000;

/**
 * Funds the workload's accounts on an existing node from a funder key (e.g. a devnet's faucet): one transfer per
 * account, sent in waves and each wave awaited until final. Used with `--url`, where no genesis of ours funds them.
 */
export async function fundAccounts(opts: {
  url: string;
  funder: Ed25519KeyPair;
  accounts: Array<{ address: string }>;
  amount: bigint;
  tracker: FinalitySource;
  drainMs: number;
  log: (line: string) => void;
}): Promise<void> {
  const client = new ApiClient(opts.url);
  const head = await client.head();
  const from = addressToText(addressFromPublicKey(opts.funder.publicKey));
  const account = await client.account(from);
  const needed = (opts.amount + 1n) * BigInt(opts.accounts.length);
  if (BigInt(account.balance) < needed)
    throw new Error(
      `the funder ${from} holds ${account.balance}, funding ${opts.accounts.length} accounts needs ${needed}`,
    );
  const first = await client.account(opts.accounts[0].address);
  if (first.nonce > 0 || first.pendingTxs > 0)
    throw new Error(
      `the accounts of this seed already sent transactions on ${opts.url}: pass another --seed`,
    );
  const signer = createEd25519Signer(opts.funder.secretKey);
  let nonce = account.nonce + account.pendingTxs;
  opts.log(`funding ${opts.accounts.length} accounts with ${opts.amount} each from ${from} ...`);
  for (let start = 0; start < opts.accounts.length; start += FUNDING_WAVE) {
    const wave: ReadyTx[] = opts.accounts.slice(start, start + FUNDING_WAVE).map((a) => {
      const tx = {
        chainId: head.chainId,
        shard: head.shard,
        kind: TxKind.Transfer as const,
        sender: opts.funder.publicKey,
        nonce: nonce++,
        fee: 1n,
        payload: { to: parseAddress(a.address), amount: opts.amount },
      };
      const hash = txHash(tx);
      return { bytes: encodeSignedTx({ tx, signature: signer.sign(hash) }), hashHex: bytesToHex(hash) };
    });
    const record = await driveLoad(
      wave,
      {
        url: opts.url,
        pacing: { kind: "saturate", window: FUNDING_WAVE },
        sendForMs: Number.POSITIVE_INFINITY,
        maxBatch: 500,
        maxConcurrentRequests: 1,
      },
      opts.tracker,
    );
    const refused = [...record.rejectedByCode].map(([c, n]) => `${c}×${n}`).join(", ");
    if (refused) throw new Error(`funding transfers were refused: ${refused}`);
    const done = await opts.tracker.waitFor(
      () => wave.every((t) => opts.tracker.finalTime(t.hashHex) !== undefined),
      opts.drainMs,
    );
    if (!done) throw new Error("funding transfers did not all become final");
  }
}
