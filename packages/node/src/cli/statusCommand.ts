import type { Command } from "commander";
import { ApiClient } from "../client/apiClient.ts";
import { API_OPTION } from "./options.ts";

/** `vshard status`. */
export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("show a node's head, finality and mempool")
    .option(...API_OPTION)
    .action(async (o) => {
      const head = await new ApiClient(o.api).head();
      console.log(
        `chain ${head.chainId} shard ${head.shard}: height ${head.height} (final ${head.finalizedHeight}), ` +
          `head ${head.hash.slice(0, 16)}…, state root ${head.stateRoot.slice(0, 16)}…, mempool ${head.mempoolTxs} txs`,
      );
    });
}
