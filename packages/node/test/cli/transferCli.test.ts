import { addressFromPublicKey, homeShard, parseWorkerChainSchema, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TransferStage } from "../../src/client/apiClient.ts";
import { addressOf, exampleSchema, TempDir, testKeys } from "./cliFixtures.ts";
import { lines, vshard } from "./cliRunner.ts";
import { accountKey, addChain, FakeApi, fakeState } from "./fakeApi.ts";

const gpu = parseWorkerChainSchema(exampleSchema("gpu-rental"));
const home = (i: number) => homeShard(gpu, addressFromPublicKey(testKeys(i).publicKey)) as number;
const sender = testKeys(10);
const senderHome = home(10);
/** The first test key living on the sender's home shard of gpu-rental, and the first living elsewhere. */
const nearIndex = [...Array(100).keys()].find((i) => i !== 10 && home(i) === senderHome) as number;
const farIndex = [...Array(100).keys()].find((i) => home(i) !== senderHome) as number;
const near = testKeys(nearIndex);
const far = testKeys(farIndex);

let dir: TempDir;
let keyPath: string;
let api: FakeApi;

beforeAll(async () => {
  dir = await TempDir.create();
  keyPath = await dir.keyFile("sender.json", sender);
  const state = fakeState();
  addChain(state, 1, exampleSchema("gpu-rental"));
  addChain(state, 2, exampleSchema("token-ledger"));
  state.accounts.set(accountKey(1, senderHome, addressOf(sender)), { nonce: 2, pendingTxs: 0 });
  state.accounts.set(accountKey(0, 0, addressOf(sender)), { nonce: 9, pendingTxs: 1 });
  api = await FakeApi.start(state);
});
afterAll(async () => {
  await api.close();
  await dir.remove();
});

const transfer = (args: string[]) =>
  vshard(["transfer", "--key", keyPath, "--amount", "5", "--api", api.url, ...args]);

describe("vshard transfer --chain", () => {
  it("transfers on the sender's home shard of a worker chain, nonce from the chain-scoped account", async () => {
    const run = await transfer(["--chain", "1", "--to", addressOf(near), "--wait"]);
    expect(run.stderr).toBe("");
    const posted = api.ofKind(TxKind.Transfer).at(-1);
    expect(posted?.tx).toMatchObject({
      chainId: 1,
      shard: senderHome,
      nonce: 2,
      fee: 1n,
      payload: { amount: 5n },
    });
    expect(lines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^submitted [0-9a-f]{64} \\(chain 1 shard ${senderHome}, from ${addressOf(sender)}, nonce 2\\)$`,
        ),
      ),
      "final in block 21",
    ]);
    expect(api.requests).toContain(`GET /v1/chains/1/shards/${senderHome}/accounts/${addressOf(sender)}`);
  });

  it("uses the main chain's shard 0 for --chain 0 and the recipient's suffix under explicit-suffix", async () => {
    const [main, suffix] = await Promise.all([
      transfer(["--chain", "0", "--to", addressOf(near)]),
      transfer(["--chain", "2", "--to", `${addressOf(far)}@1`]),
    ]);
    expect(main.stderr).toBe("");
    expect(suffix.stderr).toBe("");
    const posted = api.ofKind(TxKind.Transfer).map((s) => s.tx);
    expect(posted).toContainEqual(expect.objectContaining({ chainId: 0, shard: 0, nonce: 10, fee: 1n }));
    const onTokens = posted.find((t) => t.chainId === 2);
    expect(onTokens).toMatchObject({ shard: 1, nonce: 0 });
    expect(onTokens?.fee).toBeGreaterThan(10n);
  });

  it("refuses a recipient off its home shard or without the shard an explicit-suffix chain needs", async () => {
    const [wrongSuffix, noSuffix, badShard] = await Promise.all([
      transfer(["--chain", "1", "--to", `${addressOf(near)}@${(senderHome + 1) % 4}`]),
      transfer(["--chain", "2", "--to", addressOf(far)]),
      transfer(["--chain", "2", "--to", `${addressOf(far)}@5`]),
    ]);
    expect(wrongSuffix.code).toBe(1);
    expect(wrongSuffix.stderr).toContain(
      `vshard: --to: under address-hash the recipient lives on shard ${senderHome} of chain 1 only, got @${(senderHome + 1) % 4}`,
    );
    expect(noSuffix.code).toBe(1);
    expect(noSuffix.stderr).toContain(
      "vshard: --to: chain 2 ('token-ledger') uses explicit-suffix assignment; name the shard: vs…@shard",
    );
    expect(badShard.code).toBe(1);
    expect(badShard.stderr).toContain("vshard: --to: chain 2 has shards 0..1, got @5");
  });
});

/** A stage as the fake's `GET /v1/transfers/:hash` reports it. */
const stage = (name: TransferStage, at: number, chainId: number, shard: number, height: number) => ({
  stage: name,
  at,
  chainId,
  shard,
  height,
});

describe("vshard transfer across shards and chains", () => {
  it("sends a CrossTransfer to the recipient's home shard and --wait prints each stage until credited", async () => {
    api.state.transfer = {
      notFoundPolls: 1,
      stages: [
        stage("debited", 1000, 1, senderHome, 12),
        stage("anchored", 1400, 0, 0, 30),
        stage("relayed", 1650, 1, home(farIndex), 15),
        stage("credited", 1650, 1, home(farIndex), 15),
      ],
    };
    const run = await transfer(["--chain", "gpu-rental", "--to", addressOf(far), "--wait"]);
    expect(run.stderr).toBe("");
    const posted = api.ofKind(TxKind.CrossTransfer).at(-1);
    expect(posted?.tx).toMatchObject({
      chainId: 1,
      shard: senderHome,
      nonce: 2,
      fee: 1n,
      payload: {
        to: addressFromPublicKey(far.publicKey),
        destination: { chainId: 1, shard: home(farIndex) },
        amount: 5n,
      },
    });
    expect(lines(run)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^submitted [0-9a-f]{64} \\(chain 1 shard ${senderHome} to chain 1 shard ${home(farIndex)}, from ${addressOf(sender)}, nonce 2\\)$`,
        ),
      ),
      `debited   chain 1 shard ${senderHome} height 12  (+0 ms)`,
      "anchored  chain 0 shard 0 height 30  (+400 ms)",
      `relayed   chain 1 shard ${home(farIndex)} height 15  (+650 ms)`,
      `credited  chain 1 shard ${home(farIndex)} height 15  (+650 ms)`,
    ]);
  });

  it("sends from the default (main) chain to a named chain's shard and from an explicit-suffix shard to main", async () => {
    const [toGpu, toMain, noFromShard, atMain] = await Promise.all([
      transfer(["--to", `${addressOf(far)}@gpu-rental/${home(farIndex)}`]),
      transfer(["--chain", "2", "--from-shard", "1", "--to", `${addressOf(near)}@main/0`]),
      transfer(["--chain", "token-ledger", "--to", `${addressOf(near)}@main/0`]),
      transfer(["--to", `${addressOf(near)}@main`]),
    ]);
    expect(toGpu.stderr).toBe("");
    expect(toMain.stderr).toBe("");
    const posted = api.ofKind(TxKind.CrossTransfer).map((s) => s.tx);
    expect(posted).toContainEqual(
      expect.objectContaining({
        chainId: 0,
        shard: 0,
        nonce: 10,
        payload: expect.objectContaining({ destination: { chainId: 1, shard: home(farIndex) } }),
      }),
    );
    const fromTokens = posted.find((t) => t.chainId === 2);
    expect(fromTokens).toMatchObject({ shard: 1, payload: { destination: { chainId: 0, shard: 0 } } });
    expect(fromTokens?.fee).toBeGreaterThan(10n);
    expect(noFromShard.code).toBe(1);
    expect(noFromShard.stderr).toContain(
      "vshard: --from-shard: chain 2 ('token-ledger') uses explicit-suffix assignment; name the shard the sender " +
        "sends from (--from-shard N) to send to another chain",
    );
    expect(atMain.code).toBe(1);
    expect(atMain.stderr).toContain(`'@main' names no shard; the main chain's is @main/0`);
  });

  it("refuses a shard the destination chain lacks or an unknown chain name before sending", async () => {
    const before = api.submitted.length;
    const [noShard, noChain] = await Promise.all([
      transfer(["--to", `${addressOf(far)}@token-ledger/7`]),
      transfer(["--to", `${addressOf(far)}@cpu-rental/0`]),
    ]);
    expect(noShard.stderr).toContain("vshard: --to: chain 2 has shards 0..1, got @7");
    expect(noChain.stderr).toContain(
      "vshard: --to: no worker chain is named 'cpu-rental' (registered: gpu-rental, token-ledger)",
    );
    expect(api.submitted.length).toBe(before);
  });

  it("--wait fails with where the amount went back when the transfer is refunded", async () => {
    api.state.transfer = {
      notFoundPolls: 0,
      stages: [stage("debited", 0, 1, senderHome, 12), stage("refunded", 90, 1, senderHome, 40)],
    };
    const run = await transfer(["--chain", "1", "--to", addressOf(far), "--amount", "7", "--wait"]);
    expect(run.code).toBe(1);
    expect(lines(run).slice(1)).toEqual([
      `debited   chain 1 shard ${senderHome} height 12  (+0 ms)`,
      `refunded  chain 1 shard ${senderHome} height 40  (+90 ms)`,
    ]);
    expect(run.stderr).toMatch(
      new RegExp(
        `vshard: transfer [0-9a-f]{64} was not credited: its amount was refunded to the sender on chain 1 shard ${senderHome} at height 40`,
      ),
    );
  });

  it("--wait names the stage a cross transfer is stuck in at the timeout", async () => {
    api.state.transfer = { notFoundPolls: 0, stages: [stage("debited", 5, 1, senderHome, 12)] };
    const stuck = await transfer([
      "--chain",
      "1",
      "--to",
      addressOf(far),
      "--amount",
      "6",
      "--wait",
      "--timeout",
      "1",
    ]);
    expect(stuck.code).toBe(1);
    expect(lines(stuck)[1]).toBe(`debited   chain 1 shard ${senderHome} height 12  (+0 ms)`);
    expect(stuck.stderr).toMatch(
      new RegExp(
        `vshard: transfer [0-9a-f]{64} not credited after 1 s: stuck after stage 'debited' \\(chain 1 shard ${senderHome} ` +
          "height 12\\), waiting to be anchored \\(its source header on the main chain\\)",
      ),
    );
  });
});
