import { Command } from "commander";
import { VSHARD_VERSION } from "../runtime/vshardNode.ts";
import { registerBenchCommand } from "./benchCommand.ts";
import { registerCarCommand } from "./carCommand.ts";
import { registerChainCommand } from "./chainCommand.ts";
import { registerCommitteesCommand } from "./committeesCommand.ts";
import { registerDevnetCommand } from "./devnetCommand.ts";
import { registerKeysCommand } from "./keysCommand.ts";
import { registerNodeCommand } from "./nodeCommand.ts";
import { registerRecordCommand } from "./recordCommand.ts";
import { registerRelayCommand } from "./relayCommand.ts";
import { registerStatusCommand } from "./statusCommand.ts";
import { registerTransferCommand } from "./transferCommand.ts";

/** The `vshard` command line. */
export function createProgram(): Command {
  const program = new Command("vshard")
    .version(VSHARD_VERSION)
    .description("vshard: a sharded ledger engine with pluggable consensus");
  registerDevnetCommand(program);
  registerNodeCommand(program);
  registerKeysCommand(program);
  registerTransferCommand(program);
  registerChainCommand(program);
  registerRecordCommand(program);
  registerStatusCommand(program);
  registerBenchCommand(program);
  registerCommitteesCommand(program);
  registerRelayCommand(program);
  registerCarCommand(program);
  return program;
}

createProgram()
  .parseAsync(process.argv)
  .catch((err: Error) => {
    console.error(`vshard: ${err.message}`);
    process.exit(1);
  });
