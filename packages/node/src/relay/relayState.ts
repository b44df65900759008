import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { LedgerError, type ShardRef } from "@vshard/types";

/** Why a relay cannot go on: its state file is unreadable or not a relay state. */
export type RelayErrorCode = "RELAY_ERROR_BAD_STATE" | "RELAY_ERROR_STATE_IO";

/** An error of the relay, naming the file or the source at fault. */
export class RelayError extends LedgerError<{ code: RelayErrorCode; path?: string }> {}

/** Version of the state file's format. */
export const RELAY_STATE_VERSION = 1;

/** Per source shard, the lowest height that still has a receipt not known consumed (keys `chainId/shard`). */
export type RelayCursors = Map<string, number>;

/** The key of a source shard in the cursors and the state file. */
export const sourceKey = (ref: ShardRef): string => `${ref.chainId}/${ref.shard}`;

/** Where a relay starts in a source it has no cursor for: the first block after genesis. */
export const FIRST_HEIGHT = 1;

const KEY = /^(0|[1-9][0-9]*)\/(0|[1-9][0-9]*)$/;

/**
 * Reads a relay's cursors; a missing file is a fresh relay (no cursor). Anything else that is not a version-1 state
 * throws `RelayError` naming the file and what is wrong.
 */
export async function loadRelayState(path: string): Promise<RelayCursors> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new RelayError(
      { code: "RELAY_ERROR_STATE_IO", path },
      `cannot read relay state file ${path}: ${(err as Error).message}`,
    );
  }
  const bad = (what: string): never => {
    throw new RelayError(
      { code: "RELAY_ERROR_BAD_STATE", path },
      `relay state file ${path} is corrupt: ${what}`,
    );
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    bad(`not JSON (${(err as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return bad("expected a JSON object");
  const { version, cursors } = json as { version?: unknown; cursors?: unknown };
  if (version !== RELAY_STATE_VERSION)
    bad(`version is ${JSON.stringify(version)}, expected ${RELAY_STATE_VERSION}`);
  if (typeof cursors !== "object" || cursors === null || Array.isArray(cursors))
    return bad('cursors must be an object of "chainId/shard": height');
  const out: RelayCursors = new Map();
  for (const [key, height] of Object.entries(cursors)) {
    if (!KEY.test(key)) bad(`cursor key ${JSON.stringify(key)} is not "chainId/shard"`);
    if (typeof height !== "number" || !Number.isSafeInteger(height) || height < 0)
      bad(`cursor ${key} is ${JSON.stringify(height)}, expected a height (integer ≥ 0)`);
    out.set(key, height as number);
  }
  return out;
}

/** Writes the cursors to `path` through a temporary file and a rename, so a crash leaves the old or the new state. */
export async function saveRelayState(path: string, cursors: RelayCursors): Promise<void> {
  const sorted = [...cursors].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
  const json = { version: RELAY_STATE_VERSION, cursors: Object.fromEntries(sorted) };
  const tmp = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, `${JSON.stringify(json, null, 2)}\n`);
    await rename(tmp, path);
  } catch (err) {
    throw new RelayError(
      { code: "RELAY_ERROR_STATE_IO", path },
      `cannot write relay state file ${path}: ${(err as Error).message}`,
    );
  }
}
