import { LedgerError } from "@vshard/types";

export type ConfigErrorCode =
  /** The file cannot be read or is not JSON. */
  | "CONFIG_ERROR_UNREADABLE"
  /** A required field is absent. */
  | "CONFIG_ERROR_MISSING_FIELD"
  /** A field of the wrong type or out of range. */
  | "CONFIG_ERROR_BAD_FIELD"
  /** A field the format does not have (most often a typo). */
  | "CONFIG_ERROR_UNKNOWN_FIELD";

/**
 * A node's config file or a network file refused: `file` is its path, `field` the JSON path at fault (`$` for the
 * whole file), and the message names both.
 */
export class ConfigError extends LedgerError<{ code: ConfigErrorCode; file: string; field: string }> {}
