import {
  addressFromPublicKey,
  addressToText,
  homeShard,
  parseWorkerChainSchema,
  TxKind,
  type WorkerChainSchema,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  chainOption,
  MAIN_TRANSFER_CHAIN,
  parseDestination,
  planTransfer,
  type TransferChain,
  type TransferPlanInput,
  transferTx,
} from "../../src/cli/transferTarget.ts";
import { exampleSchema, testKeys } from "./cliFixtures.ts";

const recipient = addressFromPublicKey(testKeys(1).publicKey);
const vs = addressToText(recipient);
/** `vs` with its last checksum digit changed. */
const badChecksum = `${vs.slice(0, -1)}${vs.endsWith("0") ? "1" : "0"}`;

describe("parseDestination", () => {
  it.each([
    [vs, {}],
    [`${vs}@2`, { shard: 2 }],
    [`${vs}@1/3`, { chain: 1, shard: 3 }],
    [`${vs}@gpu-rental/3`, { chain: "gpu-rental", shard: 3 }],
    [`${vs}@main/0`, { chain: 0, shard: 0 }],
    [`${vs}@4294967295/65535`, { chain: 4294967295, shard: 65535 }],
  ])("reads %s", (text, rest) => {
    expect(parseDestination(text)).toEqual({ address: recipient, ...rest });
  });

  it.each([
    [`${vs}@main`, `--to '${vs}@main': '@main' names no shard; the main chain's is @main/0`],
    [`${vs}@gpu-rental`, `--to '${vs}@gpu-rental': '@gpu-rental' names no shard; write @gpu-rental/SHARD`],
    [`${vs}@gpu-rental/`, `--to '${vs}@gpu-rental/': no shard after 'gpu-rental/' (write @gpu-rental/SHARD)`],
    [`${vs}@`, `--to '${vs}@': no shard after '@' (write vs…@SHARD or vs…@CHAIN/SHARD)`],
    [`${vs}@/3`, `--to '${vs}@/3': no chain before '/' (write vs…@CHAIN/SHARD)`],
    [`${vs}@65536`, `--to '${vs}@65536': shard '65536' is not an integer in 0..65535`],
    [`${vs}@01`, `--to '${vs}@01': shard '01' is not an integer in 0..65535`],
    [`${vs}@1/x`, `--to '${vs}@1/x': shard 'x' is not an integer in 0..65535`],
    [`${vs}@1/2/3`, `--to '${vs}@1/2/3': shard '2/3' is not an integer in 0..65535`],
    [`${vs}@4294967296/0`, `--to '${vs}@4294967296/0': chain id 4294967296 is above 4294967295`],
    [
      `${vs}@Gpu_Rental/1`,
      `--to '${vs}@Gpu_Rental/1': chain 'Gpu_Rental' is neither a chain id, a worker chain's name nor 'main'`,
    ],
    ["vs12@1", "--to: invalid address 'vs12': expected 48 hex digits after 'vs', got 2"],
    [`${badChecksum}@1`, `--to: invalid address '${badChecksum}': checksum does not match`],
  ])("refuses %s", (text, message) => {
    expect(() => parseDestination(text)).toThrow(message);
  });

  it("--chain takes an id, a name or main", () => {
    expect([chainOption("7"), chainOption("gpu-rental"), chainOption("main")]).toEqual([7, "gpu-rental", 0]);
    expect(() => chainOption("-1")).toThrow(
      "--chain: chain '-1' is neither a chain id, a worker chain's name nor 'main'",
    );
  });
});

const chainOf = (chainId: number, schema: WorkerChainSchema): TransferChain => ({
  chainId,
  label: `chain ${chainId} ('${schema.name}')`,
  schema,
  shard: 0,
});
const gpu = chainOf(1, parseWorkerChainSchema(exampleSchema("gpu-rental")));
const tokens = chainOf(2, parseWorkerChainSchema(exampleSchema("token-ledger")));
const sender = addressFromPublicKey(testKeys(10).publicKey);
const home = (a: Uint8Array) => homeShard(gpu.schema as WorkerChainSchema, a) as number;
const senderHome = home(sender);
const plan = (input: Partial<Omit<TransferPlanInput, "to">> & { to: string }) =>
  planTransfer({
    sender,
    source: gpu,
    destination: gpu,
    ...input,
    to: parseDestination(input.to),
  });

describe("planTransfer", () => {
  it("stays in the sender's home shard for a recipient living there, else crosses to the recipient's", () => {
    const near = [...Array(50).keys()].map((i) => testKeys(100 + i).publicKey).map(addressFromPublicKey);
    const same = near.find((a) => home(a) === senderHome) as Uint8Array;
    const other = near.find((a) => home(a) !== senderHome) as Uint8Array;
    expect(plan({ to: addressToText(same) })).toEqual({
      source: { chainId: 1, shard: senderHome },
      destination: { chainId: 1, shard: senderHome },
      to: same,
    });
    expect(plan({ to: addressToText(other) }).destination).toEqual({ chainId: 1, shard: home(other) });
    expect(() => plan({ to: `${addressToText(other)}@${senderHome}` })).toThrow(
      `--to: under address-hash the recipient lives on shard ${home(other)} of chain 1 only, got @${senderHome}`,
    );
    expect(() => plan({ to: addressToText(same), fromShard: (senderHome + 1) % 4 })).toThrow(
      `--from-shard: under address-hash the sender ${addressToText(sender)} lives on shard ${senderHome} of chain 1 ('gpu-rental') only`,
    );
  });

  it("sends from --from-shard on an explicit-suffix chain, or from the --to shard when staying on the chain", () => {
    expect(plan({ source: tokens, destination: tokens, to: `${vs}@1` }).source).toEqual({
      chainId: 2,
      shard: 1,
    });
    const cross = plan({ source: tokens, destination: tokens, to: `${vs}@1`, fromShard: 0 });
    expect(cross).toMatchObject({ source: { chainId: 2, shard: 0 }, destination: { chainId: 2, shard: 1 } });
    expect(() => plan({ source: tokens, destination: MAIN_TRANSFER_CHAIN, to: `${vs}@main/0` })).toThrow(
      "--from-shard: chain 2 ('token-ledger') uses explicit-suffix assignment; name the shard the sender sends from",
    );
    expect(() => plan({ source: tokens, destination: tokens, to: vs, fromShard: 0 })).toThrow(
      "--to: chain 2 ('token-ledger') uses explicit-suffix assignment; name the shard: vs…@shard",
    );
    expect(() => plan({ source: tokens, destination: tokens, to: `${vs}@0`, fromShard: 2 })).toThrow(
      "--from-shard: chain 2 ('token-ledger') has shards 0..1, got 2",
    );
  });

  it("reaches the main chain's shard 0 only, and other chains' existing shards only", () => {
    expect(plan({ destination: MAIN_TRANSFER_CHAIN, to: `${vs}@main/0` })).toMatchObject({
      source: { chainId: 1, shard: senderHome },
      destination: { chainId: 0, shard: 0 },
    });
    expect(() => plan({ destination: MAIN_TRANSFER_CHAIN, to: `${vs}@0/1` })).toThrow(
      "--to: the main chain has shard 0 only, got @1",
    );
    expect(() => plan({ source: MAIN_TRANSFER_CHAIN, destination: tokens, to: `${vs}@2/2` })).toThrow(
      "--to: chain 2 has shards 0..1, got @2",
    );
    expect(() => plan({ source: MAIN_TRANSFER_CHAIN, destination: gpu, to: vs, fromShard: 1 })).toThrow(
      "--from-shard: the main chain has shard 0 only, got 1",
    );
  });
});

describe("transferTx", () => {
  it("builds a Transfer within a shard and a CrossTransfer with the destination across shards", () => {
    const to = parseDestination(`${vs}@token-ledger/1`);
    const route = planTransfer({ sender, source: MAIN_TRANSFER_CHAIN, destination: tokens, to });
    const pub = testKeys(10).publicKey;
    expect(transferTx(route, pub, 3, 50n, 1n)).toEqual({
      chainId: 0,
      shard: 0,
      kind: TxKind.CrossTransfer,
      sender: pub,
      nonce: 3,
      fee: 1n,
      payload: { to: recipient, destination: { chainId: 2, shard: 1 }, amount: 50n },
    });
    const local = planTransfer({
      sender,
      source: MAIN_TRANSFER_CHAIN,
      destination: MAIN_TRANSFER_CHAIN,
      to: parseDestination(vs),
    });
    expect(transferTx(local, pub, 3, 50n, 1n)).toMatchObject({
      kind: TxKind.Transfer,
      payload: { to: recipient, amount: 50n },
    });
  });
});
