import type { Logger } from "@vshard/engine";
import { type DestinationStream, pino } from "pino";

/** Options of the node's logger. */
export interface LoggerOptions {
  level: "debug" | "info" | "warn" | "error" | "silent";
  /** Where JSON lines go: stdout by default, or a pino destination (a file). */
  destination?: DestinationStream;
}

/** The node's logger: pino JSON lines behind the `Logger` interface of the engine. */
export function createLogger(opts: LoggerOptions): Logger {
  const base = opts.destination ? pino({ level: opts.level }, opts.destination) : pino({ level: opts.level });
  return wrap(base);
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (ctx, msg) => p.debug(ctx, msg),
    info: (ctx, msg) => p.info(ctx, msg),
    warn: (ctx, msg) => p.warn(ctx, msg),
    error: (ctx, msg) => p.error(ctx, msg),
    child: (bindings) => wrap(p.child(bindings)),
  };
}
