import { bytesToHex } from "@vshard/crypto";
import {
  addressFromPublicKey,
  decodeRecord,
  encodeSignedTx,
  homeShard,
  parseWorkerChainSchema,
  TxKind,
  txHash,
} from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeRecordData, recordShard } from "../../src/cli/recordCommand.ts";
import { addressOf, exampleSchema, TempDir, testKeys } from "./cliFixtures.ts";
import { lines, vshard } from "./cliRunner.ts";
import { accountKey, addChain, FakeApi, fakeState } from "./fakeApi.ts";

const sender = testKeys(2);
const gpu = parseWorkerChainSchema(exampleSchema("gpu-rental"));
const tokens = parseWorkerChainSchema(exampleSchema("token-ledger"));
const machine = {
  id: "m-1",
  owner: addressOf(sender),
  gpuModel: "h100",
  vramGb: 80,
  hourlyPrice: "250",
  region: "eu-west",
};

let dir: TempDir;
let keyPath: string;
let api: FakeApi;

beforeAll(async () => {
  dir = await TempDir.create();
  keyPath = await dir.keyFile("sender.json", sender);
  const state = fakeState();
  addChain(state, 1, exampleSchema("gpu-rental"));
  addChain(state, 2, exampleSchema("token-ledger"));
  const home = homeShard(gpu, addressFromPublicKey(sender.publicKey)) as number;
  state.accounts.set(accountKey(1, home, addressOf(sender)), { nonce: 5, pendingTxs: 2 });
  api = await FakeApi.start(state);
});
afterAll(async () => {
  await api.close();
  await dir.remove();
});

const record = (args: string[]) => vshard(["record", "--key", keyPath, "--api", api.url, ...args]);

describe("encodeRecordData and recordShard", () => {
  it("names the field at fault, the unknown type, or the JSON error", () => {
    expect(() => encodeRecordData(gpu, "machine", JSON.stringify({ ...machine, vramGb: 9000 }))).toThrow(
      /^record 'machine' payload\.vramGb: /,
    );
    expect(() => encodeRecordData(gpu, "lease", "{}")).toThrow(
      "record 'lease' recordType: unknown record type 'lease'; schema 'gpu-rental' has: machine, rental, rentalEnd",
    );
    expect(() => encodeRecordData(gpu, "machine", "{bad")).toThrow(/^--data: not valid JSON \(/);
    const ok = encodeRecordData(gpu, "machine", JSON.stringify(machine));
    expect(ok.recordType).toBe(0);
    expect(ok.key).toBe("m-1");
    expect(decodeRecord(gpu, "machine", ok.bytes)).toMatchObject({
      id: "m-1",
      vramGb: 80,
      hourlyPrice: 250n,
    });
  });

  it("takes the home shard under address-hash and requires --shard under explicit-suffix", () => {
    const address = addressFromPublicKey(sender.publicKey);
    const home = homeShard(gpu, address) as number;
    expect(recordShard(gpu, 1, address, undefined)).toBe(home);
    expect(recordShard(gpu, 1, address, home)).toBe(home);
    expect(() => recordShard(gpu, 1, address, (home + 1) % 4)).toThrow(
      `--shard ${(home + 1) % 4}: chain 1 ('gpu-rental') assigns by address-hash, and ${addressOf(sender)} lives on ` +
        `shard ${home} only`,
    );
    expect(() => recordShard(tokens, 2, address, undefined)).toThrow(
      "--shard is required: chain 2 ('token-ledger') uses explicit-suffix assignment, the sender picks a shard in 0..1",
    );
    expect(() => recordShard(tokens, 2, address, 2)).toThrow("--shard 2: chain 2 has shards 0..1");
    expect(recordShard(tokens, 2, address, 1)).toBe(1);
  });
});

describe("vshard record", () => {
  it("refuses an invalid record before submitting anything, exit code 1", async () => {
    const [bad, unknown, missing] = await Promise.all([
      record([
        "--chain",
        "1",
        "--type",
        "machine",
        "--data",
        JSON.stringify({ ...machine, gpuModel: "tpu" }),
      ]),
      record(["--chain", "1", "--type", "lease", "--data", "{}"]),
      record(["--chain", "2", "--type", "token", "--data", "{}"]),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("vshard: record 'machine' payload.gpuModel: ");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "unknown record type 'lease'; schema 'gpu-rental' has: machine, rental, rentalEnd",
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("vshard: record 'token' payload.symbol: required");
    expect(api.ofKind(TxKind.Record)).toEqual([]);
  });

  it("signs the record for the sender's home shard with the chain-scoped nonce and prints the query URL", async () => {
    const run = await record([
      "--chain",
      "1",
      "--type",
      "machine",
      "--data",
      JSON.stringify(machine),
      "--wait",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const posted = api.ofKind(TxKind.Record).at(-1);
    const home = homeShard(gpu, addressFromPublicKey(sender.publicKey));
    expect(posted?.tx).toMatchObject({
      chainId: 1,
      shard: home,
      nonce: 7,
      fee: 1n,
      payload: { recordType: 0 },
    });
    const hash = bytesToHex(txHash(posted?.tx as never));
    expect(lines(run)).toEqual([
      `submitted ${hash} (record 'machine' on chain 1 shard ${home}, from ${addressOf(sender)}, nonce 7)`,
      `query: ${api.url}/v1/chains/1/shards/${home}/records/machine/m-1`,
      "final in block 21",
    ]);
  });

  it("pays minFee + perByte × size and names a keyless record by its tx hash", async () => {
    const transfer = { symbol: "VSX", to: addressOf(testKeys(3)), amount: "5", memo: "hi there" };
    const run = await record([
      "--chain",
      "2",
      "--shard",
      "1",
      "--type",
      "tokenTransfer",
      "--data",
      JSON.stringify(transfer),
    ]);
    expect(run.stderr).toBe("");
    const posted = api.ofKind(TxKind.Record).at(-1);
    if (!posted) throw new Error("no record posted");
    expect(posted.tx).toMatchObject({ chainId: 2, shard: 1, nonce: 0, payload: { recordType: 1 } });
    expect(posted.tx.fee).toBe(10n + BigInt(encodeSignedTx(posted).length));
    const hash = bytesToHex(txHash(posted.tx));
    expect(lines(run)[1]).toBe(`query: ${api.url}/v1/chains/2/shards/1/records/tokenTransfer/${hash}`);
  });

  it("asks for --shard on an explicit-suffix chain and says the chain is unknown", async () => {
    const token = {
      symbol: "VSX",
      displayName: "X",
      decimals: 6,
      maxSupply: "1000",
      issuer: addressOf(sender),
    };
    const [noShard, unknown] = await Promise.all([
      record(["--chain", "2", "--type", "token", "--data", JSON.stringify(token)]),
      record(["--chain", "8", "--type", "token", "--data", "{}"]),
    ]);
    expect(noShard.code).toBe(1);
    expect(noShard.stderr).toContain(
      "vshard: --shard is required: chain 2 ('token-ledger') uses explicit-suffix",
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("vshard: CHAIN_NOT_FOUND: no such chain");
  });
});
