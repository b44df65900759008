import { InvalidArgumentError } from "commander";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration such as `30s`, `500ms`, `2m` (a bare number is seconds) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`'${text}' is not a duration (e.g. 30s, 500ms, 2m)`);
  const ms = Number(m[1]) * UNITS[m[2] ?? "s"];
  if (ms <= 0) throw new InvalidArgumentError(`'${text}' must be longer than zero`);
  return ms;
}

/** Parses a comma-separated list of rates: absolute (`2000`) or relative to the saturation rate (`50%`). */
export function parseRateList(text: string): Array<{ value: number; relative: boolean }> {
  return text.split(",").map((part) => {
    const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(part.trim());
    if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError(`'${part}' is not a rate (e.g. 2000 or 50%)`);
    return m[2] ? { value: Number(m[1]) / 100, relative: true } : { value: Number(m[1]), relative: false };
  });
}
