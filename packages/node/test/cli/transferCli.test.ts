import { addressFromPublicKey, homeShard, parseWorkerChainSchema, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("refuses a recipient on another shard or without the shard an explicit-suffix chain needs", async () => {
    const [cross, wrongSuffix, noSuffix, badShard] = await Promise.all([
      transfer(["--chain", "1", "--to", addressOf(far)]),
      transfer(["--chain", "1", "--to", `${addressOf(near)}@${(senderHome + 1) % 4}`]),
      transfer(["--chain", "2", "--to", addressOf(far)]),
      transfer(["--chain", "2", "--to", `${addressOf(far)}@5`]),
    ]);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toContain(
      `vshard: the sender ${addressOf(sender)} lives on shard ${senderHome} of chain 1 and the recipient on shard ` +
        `${home(farIndex)}; cross-shard transfers are not available from the CLI`,
    );
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
