import type { Logger } from "@vshard/engine";
import type { Command } from "commander";
import { loadRelayState } from "../relay/relayState.ts";
import { relayKeys, startRelay } from "../relay/startRelay.ts";
import { API_OPTION, intOption } from "./options.ts";

/** `vshard relay`: delivers cross-shard receipts until SIGINT or SIGTERM. */
export function registerRelayCommand(program: Command): void {
  program
    .command("relay")
    .description(
      "deliver cross-shard receipts: scan every shard's anchored outboxes and submit receives, signed by the relay's " +
        "key, to the shards that consume them; resumes from its state file",
    )
    .option(...API_OPTION)
    .option("--key <file>", "relay's key file (default: generated next to the state file, then reused)")
    .requiredOption("--state <file>", "state file: per source shard, the height to resume scanning from")
    .option("--poll-ms <n>", "pause between two scans", intOption, 250)
    .action(async (o: { api: string; key?: string; state: string; pollMs: number }) => {
      await loadRelayState(o.state); // a corrupt state file fails before a key is generated
      const key = await relayKeys(o.state, o.key);
      const running = await startRelay({
        apiUrl: o.api,
        statePath: o.state,
        keys: key.keys,
        pollMs: o.pollMs,
        logger: consoleLogger(),
      });
      console.log(
        `vshard relay ${running.relay.address}: api ${o.api}, state ${o.state}, key ${key.path}` +
          (key.generated ? " (generated)" : ""),
      );
      const shutdown = (signal: string) => {
        console.log(`${signal}: stopping the relay...`);
        running.stop().then(
          () => {
            const c = running.relay.counters;
            console.log(
              `relay stopped: ${c.delivered} delivered, ${c.duplicates} duplicates, ${c.retries} retries, ${c.failures} failures; state saved`,
            );
            process.exit(0);
          },
          (err) => {
            console.error(`error while stopping: ${(err as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
    });
}

/** Log lines a person reads: `relay progress delivered=3 waitingForAnchor=1 …` (debug dropped). */
function consoleLogger(): Logger {
  const line = (message: string, context: object) =>
    `${message} ${Object.entries(context)
      .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
      .join(" ")}`.trimEnd();
  const logger: Logger = {
    debug() {},
    info: (context, message) => console.log(line(message, context)),
    warn: (context, message) => console.warn(line(`warning: ${message}`, context)),
    error: (context, message) => console.error(line(`error: ${message}`, context)),
    child: () => logger,
  };
  return logger;
}
