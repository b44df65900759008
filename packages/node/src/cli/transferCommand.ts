import { addressFromPublicKey, addressToText, parseSubAccount, signTx, TxKind } from "@vshard/types";
import type { Command } from "commander";
import { ApiClient } from "../client/apiClient.ts";
import { readKeyFile } from "../keyFile.ts";
import { API_OPTION, amountOption, intOption } from "./options.ts";

/** How often `--wait` asks whether the transfer is final. */
const WAIT_POLL_MS = 200;

/** `vshard transfer`. */
export function registerTransferCommand(program: Command): void {
  program
    .command("transfer")
    .description("sign a transfer with a key file and submit it")
    .requiredOption("--key <file>", "sender's key file")
    .requiredOption("--to <address>", "recipient: vs… or vs…@shard")
    .requiredOption("--amount <n>", "amount in base units", amountOption)
    .option("--fee <n>", "fee in base units", amountOption, 1n)
    .option("--nonce <n>", "nonce (default: the account's next, counting its pending txs)", intOption)
    .option("--wait", "wait until the transfer is final")
    .option("--timeout <s>", "give up waiting after this many seconds", intOption, 60)
    .option(...API_OPTION)
    .action(async (o) => {
      const client = new ApiClient(o.api);
      const keys = await readKeyFile(o.key);
      const head = await client.head();
      const to = parseSubAccount(o.to, head.shard);
      if (to.shard !== head.shard)
        throw new Error(
          `this node serves shard ${head.shard}; cross-shard transfers are not available on it`,
        );
      const from = addressToText(addressFromPublicKey(keys.publicKey));
      const account = await client.account(from);
      const nonce = o.nonce ?? account.nonce + account.pendingTxs;
      const stx = signTx(
        {
          chainId: head.chainId,
          shard: head.shard,
          kind: TxKind.Transfer,
          sender: keys.publicKey,
          nonce,
          fee: o.fee,
          payload: { to: to.address, amount: o.amount },
        },
        keys.secretKey,
      );
      const hash = await client.submit(stx);
      console.log(`submitted ${hash} (from ${from}, nonce ${nonce})`);
      if (!o.wait) return;
      const deadline = Date.now() + o.timeout * 1000;
      while (Date.now() < deadline) {
        const tx = await client.tx(hash);
        if (tx.status === "final") {
          console.log(`final in block ${tx.receipt?.blockHeight}`);
          return;
        }
        await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
      }
      throw new Error(`transfer ${hash} not final after ${o.timeout} s`);
    });
}
