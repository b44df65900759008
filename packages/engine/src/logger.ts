/** Structured logger: one interface for the whole code base (pino behind it in the node). */
export interface Logger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (pure code and tests that do not look at logs). */
export const nullLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return nullLogger;
  },
};
