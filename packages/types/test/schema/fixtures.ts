import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { SchemaError, type SchemaErrorCode } from "../../src/index.ts";

/** Parsed JSON that tests edit freely. */
// biome-ignore lint/suspicious/noExplicitAny: tests edit parsed JSON at any depth
export type Json = Record<string, any>;

/** The parsed JSON of `examples/<name>.json` at the repository root. */
export function loadExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../../examples/${name}.json`, import.meta.url), "utf8"));
}

/** A small valid schema in JSON form, fresh on every call (tests change a copy). */
export function minimalSchemaJson(): Json {
  return {
    name: "test-chain",
    version: 1,
    shards: [
      { consensus: { plugin: "bft", params: {} } },
      { consensus: { plugin: "dpos", params: { producers: 4 } } },
    ],
    limits: { maxBlockTxs: 1000, maxBlockBytes: 1_048_576, targetBlockIntervalMs: 250 },
    fees: { minFee: "1" },
    assignment: { rule: "explicit-suffix" },
    recordTypes: [
      {
        name: "item",
        key: "id",
        fields: [
          { name: "id", type: "string", maxLength: 16 },
          { name: "count", type: "uint", max: 100 },
        ],
      },
    ],
  };
}

/** Runs `fn`, expecting a `SchemaError` of `code` at exactly `path` whose reason contains `reason`. */
export function expectSchemaError(
  fn: () => unknown,
  path: string,
  reason: string,
  code: SchemaErrorCode = "SCHEMA_ERROR_INVALID",
): SchemaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaError);
    const e = err as SchemaError;
    expect({ code: e.code, path: e.path }).toEqual({ code, path });
    expect(e.reason).toContain(reason);
    expect(e.message).toContain(`${path}: `);
    return e;
  }
  return expect.unreachable(`expected a SchemaError at ${path}`);
}

/** A deep copy of `value` with every object's keys in a new order given by `order` (a permutation seed per object). */
export function reorderKeys(value: unknown, pick: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, pick));
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const keys = pick(entries.map(([k]) => k));
  return Object.fromEntries(keys.map((k) => [k, reorderKeys((value as Record<string, unknown>)[k], pick)]));
}

/** Edits the value at a dotted path of the JSON (`shards.1.consensus.plugin`); `undefined` deletes it. */
export function set(at: string, value: unknown): (j: Json) => void {
  return (j) => {
    const keys = at.split(".");
    const last = keys.pop() as string;
    const parent = keys.reduce((o, k) => o[k], j);
    if (value === undefined) delete parent[last];
    else parent[last] = structuredClone(value);
  };
}
