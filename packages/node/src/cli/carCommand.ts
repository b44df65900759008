import { readFile, writeFile } from "node:fs/promises";
import { cidToString, decodeCar } from "@vshard/storage";
import type { Command } from "commander";
import { ApiClient } from "../client/apiClient.ts";
import { API_OPTION, intOption } from "./options.ts";

/** `vshard car export|import`: block ranges as CAR files (the IPFS archive format). */
export function registerCarCommand(program: Command): void {
  const car = program.command("car").description("export and import block ranges as CAR files");

  car
    .command("export")
    .description(
      "write committed blocks of a chain shard (at most 1,000) to a CAR file: headers with their certificates, " +
        "body manifests and chunks, under an index root",
    )
    .requiredOption("--chain <id>", "chain id (0: the main chain)", intOption)
    .requiredOption("--shard <n>", "shard of the chain", intOption)
    .requiredOption("--from <height>", "first height (at least 1)", intOption)
    .requiredOption("--to <height>", "last height (at most the committed head)", intOption)
    .requiredOption("--out <file>", "the CAR file to write")
    .option(...API_OPTION)
    .action(
      async (o: { chain: number; shard: number; from: number; to: number; out: string; api: string }) => {
        const bytes = await new ApiClient(o.api).exportCar(o.chain, o.shard, o.from, o.to);
        // Read back what the node sent before writing it: a truncated or corrupt answer fails here, not at import.
        const { roots } = decodeCar(bytes);
        await writeFile(o.out, bytes);
        const blocks = o.to - o.from + 1;
        console.log(
          `wrote ${o.out}: chain ${o.chain} shard ${o.shard}, ${blocks} block${blocks === 1 ? "" : "s"} ` +
            `(${o.from}..${o.to}), ${bytes.length} bytes, root ${cidToString(roots[0])}`,
        );
      },
    );

  car
    .command("import")
    .description(
      "send a CAR file to a node, which verifies it whole, then commits its blocks (each certificate checked and " +
        "each block re-executed) on the chain shard its index names",
    )
    .argument("<file>", "the CAR file (as `vshard car export` writes it)")
    .option(...API_OPTION)
    .action(async (file: string, o: { api: string }) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (err) {
        throw new Error(`cannot read CAR file ${file}: ${(err as Error).message}`);
      }
      const r = await new ApiClient(o.api).importCar(bytes);
      console.log(
        `imported ${file} into chain ${r.chainId} shard ${r.shard} (blocks ${r.from}..${r.to}): ${r.applied} applied, ` +
          `${r.known} already known; head ${r.head.height} ${r.head.hash.slice(0, 16)}…`,
      );
    });
}
