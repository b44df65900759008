import { describe, expect, it } from "vitest";
import {
  parseWorkerChainSchema,
  parseWorkerChainSchemaText,
  SchemaError,
  type WorkerChainSchema,
} from "../../src/index.ts";
import { expectSchemaError, type Json, minimalSchemaJson, set } from "./fixtures.ts";

describe("parseWorkerChainSchema: valid schemas", () => {
  it("fills defaults: no compression → zstd 3, no recordTypes → [], dpos depths grow with producers", () => {
    const json: Json = minimalSchemaJson();
    delete json.recordTypes;
    json.shards[1].consensus.params = { producers: 100 };
    const s: WorkerChainSchema = parseWorkerChainSchema(json);
    expect(s.compression).toEqual({ codec: "zstd", level: 3 });
    expect(s.recordTypes).toEqual([]);
    // 100 producers: irreversibility depth ⌊200/3⌋ + 1 = 67, so the default epoch of 60 blocks grows to 68.
    expect(s.shards[1].consensus.params).toMatchObject({
      producers: 100,
      epochLength: 68,
      maxForkDepth: 180,
    });
  });

  it("does not change its input", () => {
    const json = minimalSchemaJson();
    const copy = structuredClone(json);
    parseWorkerChainSchema(json);
    expect(json).toEqual(copy);
  });

  it("parseWorkerChainSchemaText refuses text that is not JSON at $", () => {
    expectSchemaError(() => parseWorkerChainSchemaText("{ name: "), "$", "not valid JSON");
    expect(parseWorkerChainSchemaText(JSON.stringify(minimalSchemaJson())).name).toBe("test-chain");
  });
});

const F = "recordTypes.0.fields";
const P = "$.recordTypes[0]";
const addField = (value: Json) => (j: Json) => {
  j.recordTypes[0].fields.push(value);
};
const bigString = (i: number) => ({ name: `s${i}`, type: "string", maxLength: 4096 });

/** [what, edit of the minimal schema (or a replacement), exact path, substring of the reason]. */
const invalid: [string, (j: Json) => unknown, string, string][] = [
  ["not an object", () => [], "$", "expected an object, got an array"],
  ["an unknown top-level key", set("extra", 1), "$.extra", "unknown key; expected name, version"],
  [
    "a __proto__ key from JSON.parse",
    (j) => Object.assign(JSON.parse('{"__proto__": 1}'), j),
    "$.__proto__",
    "unknown key",
  ],
  ["a missing name", set("name", undefined), "$.name", "required"],
  ["an upper-case name", set("name", "Test"), "$.name", '"Test" is not 3..40 of a-z, 0-9'],
  ["a two-letter name", set("name", "ab"), "$.name", "is not 3..40"],
  ["version 0", set("version", 0), "$.version", "expected an integer in 1..4294967295, got 0"],
  ["a fractional version", set("version", 1.5), "$.version", "got 1.5"],
  ["no shards", set("shards", []), "$.shards", "expected 1..1024 items, got 0"],
  ["1025 shards", (j) => set("shards", Array(1025).fill(j.shards[0]))(j), "$.shards", "got 1025"],
  [
    "an unknown plugin",
    set("shards.1.consensus.plugin", "pow"),
    "$.shards[1].consensus.plugin",
    'expected one of "solo", "bft", "dpos", got "pow"',
  ],
  ["a shard without consensus", set("shards.1", { committeeSize: 4 }), "$.shards[1].consensus", "required"],
  [
    "dpos with 0 producers",
    set("shards.2", { consensus: { plugin: "dpos", params: { producers: 0 } } }),
    "$.shards[2].consensus.params.producers",
    "expected an integer in 1..1024, got 0",
  ],
  [
    "dpos epochs shorter than finality",
    set("shards.1.consensus.params.epochLength", 3),
    "$.shards[1].consensus.params.epochLength",
    "greater than the irreversibility depth 3 of 4 producers",
  ],
  [
    "a dpos parameter on bft",
    set("shards.0.consensus.params.producers", 4),
    "$.shards[0].consensus.params.producers",
    "unknown key; expected timeoutProposeMs",
  ],
  [
    "bft maxTimeoutMs under the base timeouts",
    set("shards.0.consensus.params.maxTimeoutMs", 300),
    "$.shards[0].consensus.params.maxTimeoutMs",
    "must be at least both",
  ],
  [
    "null params",
    set("shards.0.consensus.params", null),
    "$.shards[0].consensus.params",
    "expected an object, got null",
  ],
  [
    "a string boolean",
    set("shards.0.consensus.params.emptyBlocks", "yes"),
    "$.shards[0].consensus.params.emptyBlocks",
    'expected true or false, got "yes"',
  ],
  [
    "a solo shard with a committee of 3",
    set("shards.0", { consensus: { plugin: "solo" }, committeeSize: 3 }),
    "$.shards[0].committeeSize",
    "must be 1, got 3",
  ],
  [
    "a committee of 0",
    set("shards.0.committeeSize", 0),
    "$.shards[0].committeeSize",
    "expected an integer in 1..1024",
  ],
  [
    "0 txs per block",
    set("limits.maxBlockTxs", 0),
    "$.limits.maxBlockTxs",
    "expected an integer in 1..100000, got 0",
  ],
  [
    "1000-byte blocks",
    set("limits.maxBlockBytes", 1000),
    "$.limits.maxBlockBytes",
    "in 16384..67108864, got 1000",
  ],
  [
    "no block interval",
    set("limits.targetBlockIntervalMs", undefined),
    "$.limits.targetBlockIntervalMs",
    "required",
  ],
  ["gzip", set("compression", { codec: "gzip" }), "$.compression.codec", 'expected one of "zstd", "none"'],
  [
    "a level without zstd",
    set("compression", { codec: "none", level: 3 }),
    "$.compression.level",
    "only codec 'zstd' takes a level",
  ],
  [
    "zstd level 22",
    set("compression", { codec: "zstd", level: 22 }),
    "$.compression.level",
    "in 1..19, got 22",
  ],
  ["a numeric fee", set("fees.minFee", 1), "$.fees.minFee", "expected a decimal string"],
  ["a fee with a leading zero", set("fees.minFee", "01"), "$.fees.minFee", 'got "01"'],
  [
    "a fee above 2^64-1",
    set("fees.perByte", "18446744073709551616"),
    "$.fees.perByte",
    "0..18446744073709551615",
  ],
  [
    "an unknown assignment rule",
    set("assignment.rule", "random"),
    "$.assignment.rule",
    'expected one of "address-hash", "explicit-suffix"',
  ],
  ["recordTypes not an array", set("recordTypes", {}), "$.recordTypes", "expected an array, got an object"],
  [
    "a duplicate record type",
    (j) => set("recordTypes.1", j.recordTypes[0])(j),
    "$.recordTypes[1].name",
    "duplicate record type name 'item' (also $.recordTypes[0])",
  ],
  ["a snake_case record type", set("recordTypes.0.name", "my_item"), `${P}.name`, "lowerCamelCase"],
  ["a record type without fields", set(F, []), `${P}.fields`, "expected 1..32 items, got 0"],
  [
    "a duplicate field",
    addField({ name: "id", type: "bool" }),
    `${P}.fields[2].name`,
    "duplicate field name 'id' (also $.recordTypes[0].fields[0])",
  ],
  [
    "an unknown field type",
    set(`${F}.1.type`, "float"),
    `${P}.fields[1].type`,
    'expected one of "string", "uint"',
  ],
  ["a string without maxLength", set(`${F}.0.maxLength`, undefined), `${P}.fields[0].maxLength`, "required"],
  [
    "a constraint of another type",
    set(`${F}.1.maxLength`, 5),
    `${P}.fields[1].maxLength`,
    "unknown key; expected name, type, optional, min, max",
  ],
  [
    "a key that is not an identifier",
    set(`${F}.0.max length`, 5),
    `${P}.fields[0]["max length"]`,
    "unknown key",
  ],
  ["uint min above max", set(`${F}.1.min`, 101), `${P}.fields[1].min`, "101 is more than max 100"],
  ["a negative uint bound", set(`${F}.1.max`, -1), `${P}.fields[1].max`, "in 0..9007199254740991, got -1"],
  [
    "minLength above maxLength",
    set(`${F}.0.minLength`, 17),
    `${P}.fields[0].minLength`,
    "17 is more than maxLength 16",
  ],
  [
    "an enum without values",
    addField({ name: "kind", type: "enum", values: [] }),
    `${P}.fields[2].values`,
    "expected 1..256 items, got 0",
  ],
  [
    "a duplicate enum value",
    addField({ name: "kind", type: "enum", values: ["a", "a"] }),
    `${P}.fields[2].values[1]`,
    'duplicate value "a" (also at index 0)',
  ],
  [
    "an upper-case enum value",
    addField({ name: "kind", type: "enum", values: ["A"] }),
    `${P}.fields[2].values[0]`,
    '"A" is not 1..32 of a-z',
  ],
  [
    "a key that is not a field",
    set("recordTypes.0.key", "nope"),
    `${P}.key`,
    "'nope' is not a field of 'item'",
  ],
  ["an optional key", set(`${F}.0.optional`, true), `${P}.key`, "key field 'id' is optional"],
  [
    "a bool key",
    (j) => {
      addField({ name: "flag", type: "bool" })(j);
      j.recordTypes[0].key = "flag";
    },
    `${P}.key`,
    "key field 'flag' is a bool; a key must be a string, bytes, uint, address field",
  ],
  [
    "a record too large to fit a tx",
    set("recordTypes.0", { name: "big", fields: [1, 2, 3, 4].map(bigString) }),
    `${P}.fields`,
    "may take 16407 bytes encoded, more than the 12288 allowed",
  ],
];

describe("parseWorkerChainSchema: invalid schemas", () => {
  it.each(invalid)("refuses %s", (_what, edit, path, reason) => {
    const json = minimalSchemaJson();
    const edited = edit(json) ?? json;
    expectSchemaError(() => parseWorkerChainSchema(edited), path, reason);
  });

  it("reports the first fault in the order of the format, with code and message", () => {
    const json: Json = minimalSchemaJson();
    json.version = 0;
    json.limits.maxBlockTxs = 0;
    const err = expectSchemaError(() => parseWorkerChainSchema(json), "$.version", "got 0");
    expect(err.code).toBe("SCHEMA_ERROR_INVALID");
    expect(err.message).toBe("schema $.version: expected an integer in 1..4294967295, got 0");
    expect(err).toBeInstanceOf(SchemaError);
  });
});
