import { InvalidArgumentError } from "commander";

/** Parses a non-negative integer option, with an error commander prints as is. */
export function intOption(value: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value))
    throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return Number(value);
}

/** Parses a positive decimal amount into a bigint. */
export function amountOption(value: string): bigint {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new InvalidArgumentError(`'${value}' is not a positive integer amount`);
  return BigInt(value);
}

/** The API URL flag shared by client commands. */
export const API_OPTION = ["--api <url>", "node API base URL", "http://127.0.0.1:7700"] as const;
