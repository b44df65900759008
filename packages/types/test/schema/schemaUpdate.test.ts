import { describe, expect, it } from "vitest";
import { checkSchemaUpdate, parseWorkerChainSchema } from "../../src/index.ts";
import { expectSchemaError, type Json, loadExample, set } from "./fixtures.ts";

const previous = parseWorkerChainSchema(loadExample("gpu-rental"));

/** gpu-rental at version 2, edited by `edit`, parsed. */
function nextVersion(...edits: ((j: Json) => void)[]) {
  const json: Json = loadExample("gpu-rental");
  json.version = 2;
  for (const edit of edits) edit(json);
  return parseWorkerChainSchema(json);
}

describe("checkSchemaUpdate", () => {
  it("accepts appended shards and record types and changed limits, fees and plugin parameters", () => {
    const next = nextVersion(
      (j) => {
        j.shards.push({ consensus: { plugin: "bft" } }, { consensus: { plugin: "solo" }, committeeSize: 1 });
        j.recordTypes.push({ name: "review", fields: [{ name: "stars", type: "uint", max: 5 }] });
      },
      set("shards.1.consensus.params.timeoutVoteMs", 900),
      set("shards.3.committeeSize", 7),
      set("limits.maxBlockTxs", 9000),
      set("fees.minFee", "5"),
      set("compression", { codec: "none" }),
    );
    expect(checkSchemaUpdate(previous, next)).toEqual({
      addedShards: [4, 5],
      changedShards: [1, 3],
      addedRecordTypes: ["review"],
    });
  });

  it("accepts a bare version bump, which changes nothing", () => {
    expect(checkSchemaUpdate(previous, nextVersion())).toEqual({
      addedShards: [],
      changedShards: [],
      addedRecordTypes: [],
    });
  });

  const swap = (at: string, i: number, k: number) => (j: Json) => {
    const list = at.split(".").reduce((o, key) => o[key], j);
    [list[i], list[k]] = [list[k], list[i]];
  };
  const rental = "$.recordTypes[1]";

  /** [what, edit of gpu-rental v2, exact path, substring of the reason]. */
  const refused: [string, (j: Json) => void, string, string][] = [
    [
      "a new name",
      set("name", "gpu-market"),
      "$.name",
      "a chain keeps its name: expected 'gpu-rental', got 'gpu-market'",
    ],
    [
      "the same version",
      set("version", 1),
      "$.version",
      "expected 2 (the version in force, 1, plus 1), got 1",
    ],
    ["a skipped version", set("version", 3), "$.version", "got 3"],
    ["a removed shard", (j) => void j.shards.pop(), "$.shards", "3 shards, fewer than the 4 in force"],
    [
      "reordered shards",
      swap("shards", 0, 2),
      "$.shards[0].consensus.plugin",
      "shard 0 runs 'bft', the update 'dpos'",
    ],
    [
      "a changed plugin",
      set("shards.3.consensus", { plugin: "bft" }),
      "$.shards[3].consensus.plugin",
      "keeps its plugin",
    ],
    [
      "a new assignment rule",
      set("assignment.rule", "explicit-suffix"),
      "$.assignment.rule",
      "'address-hash'",
    ],
    [
      "a removed record type",
      (j) => void j.recordTypes.pop(),
      "$.recordTypes",
      "2 record types, fewer than the 3",
    ],
    [
      "a renamed record type",
      set("recordTypes.0.name", "gpu"),
      "$.recordTypes[0].name",
      "'machine' is renamed 'gpu'",
    ],
    [
      "reordered record types",
      swap("recordTypes", 0, 1),
      "$.recordTypes[0].name",
      "'machine' is renamed 'rental'",
    ],
    [
      "an added field",
      (j) => void j.recordTypes[1].fields.push({ name: "note", type: "bool", optional: true }),
      `${rental}.fields`,
      "'rental' has 5 fields, the update 6",
    ],
    [
      "a narrowed field",
      set("recordTypes.1.fields.3.max", 100),
      `${rental}.fields[3]`,
      "field 'hoursRented' uint in 1..8760 is changed to 'hoursRented' uint in 1..100",
    ],
    [
      "a field made optional",
      set("recordTypes.1.fields.4.optional", true),
      `${rental}.fields[4]`,
      "(optional)",
    ],
    [
      "a renamed field",
      set("recordTypes.1.fields.2.name", "tenant"),
      `${rental}.fields[2]`,
      "'renter' address (text form vs…) is changed to 'tenant'",
    ],
    [
      "a new enum value",
      (j) => void j.recordTypes[2].fields[2].values.push("other"),
      "$.recordTypes[2].fields[2]",
      "cannot change",
    ],
    [
      "a changed key",
      set("recordTypes.1.key", "machineId"),
      `${rental}.key`,
      "key of 'rental' is 'id', the update 'machineId'",
    ],
  ];

  it.each(refused)("refuses %s", (_what, edit, path, reason) => {
    const next = nextVersion(edit);
    const err = expectSchemaError(
      () => checkSchemaUpdate(previous, next),
      path,
      reason,
      "SCHEMA_ERROR_UPDATE",
    );
    expect(err.message).toBe(`schema update ${path}: ${err.reason}`);
  });
});
