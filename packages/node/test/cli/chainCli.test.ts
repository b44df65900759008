import { bytesToHex } from "@vshard/crypto";
import { encodeSchema, parseWorkerChainSchema, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chainTableLines } from "../../src/cli/chainTable.ts";
import { addressOf, exampleSchema, TempDir, testKeys } from "./cliFixtures.ts";
import { lines, vshard } from "./cliRunner.ts";
import { accountKey, addChain, FakeApi, fakeState } from "./fakeApi.ts";

const owner = testKeys(1);
let dir: TempDir;
let keyPath: string;

beforeAll(async () => {
  dir = await TempDir.create();
  keyPath = await dir.keyFile("owner.json", owner);
});
afterAll(() => dir.remove());

describe("vshard chain register", () => {
  it("refuses a bad schema file before contacting the node: the schema path in the message, exit code 1", async () => {
    const api = await FakeApi.start();
    try {
      const bad = exampleSchema("gpu-rental");
      (bad.shards as { consensus: { params: Record<string, unknown> } }[])[2].consensus.params.producers = 0;
      const [badPath, notJson] = await Promise.all([
        dir.file("bad.json", bad),
        dir.file("broken.json", "{ nope"),
      ]);
      const common = ["--key", keyPath, "--api", api.url];
      const [invalid, unparsable, missing] = await Promise.all([
        vshard(["chain", "register", "--schema", badPath, ...common]),
        vshard(["chain", "register", "--schema", notJson, ...common]),
        vshard(["chain", "register", "--schema", `${dir.path}/absent.json`, ...common]),
      ]);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toContain(`vshard: ${badPath}: schema $.shards[2].consensus.params.producers: `);
      expect(unparsable.code).toBe(1);
      expect(unparsable.stderr).toContain(`vshard: ${notJson}: schema $: not valid JSON`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`vshard: cannot read schema file ${dir.path}/absent.json: ENOENT`);
      expect(api.requests).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it("signs a register-chain tx on the main chain with the next nonce; --wait prints the new chain and its shards", async () => {
    const state = fakeState();
    state.accounts.set(accountKey(0, 0, addressOf(owner)), { nonce: 3, pendingTxs: 1 });
    addChain(state, 1, exampleSchema("gpu-rental"));
    const api = await FakeApi.start(state);
    try {
      const schemaPath = await dir.file("token.json", exampleSchema("token-ledger"));
      const run = await vshard([
        "chain",
        "register",
        "--schema",
        schemaPath,
        "--key",
        keyPath,
        "--api",
        api.url,
        "--wait",
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const [posted] = api.ofKind(TxKind.RegisterChain);
      const schema = parseWorkerChainSchema(exampleSchema("token-ledger"));
      expect(posted.tx).toMatchObject({ chainId: 0, shard: 0, nonce: 4, fee: 1n });
      expect(posted.tx.kind === TxKind.RegisterChain && bytesToHex(posted.tx.payload.schema)).toBe(
        bytesToHex(encodeSchema(schema)),
      );
      const out = lines(run);
      expect(out[0]).toMatch(
        new RegExp(
          `^submitted [0-9a-f]{64} \\(register chain 'token-ledger' version 1, ${schema.shards.length} shards; ` +
            `from ${addressOf(owner)}, nonce 4\\)$`,
        ),
      );
      expect(out[1]).toMatch(
        /^registered in block 21: chain 2 'token-ledger' version 1, schema hash [0-9a-f]{16}…$/,
      );
      expect(out[2]).toMatch(
        /^CHAIN +NAME +VERSION +SHARD +PLUGIN +HEIGHT\/FINAL +ANCHORED +COMMITTEE EPOCH$/,
      );
      expect(out.slice(3)).toHaveLength(schema.shards.length);
      expect(out[3]).toMatch(
        new RegExp(`^2 +token-ledger +1 +0 +${schema.shards[0].consensus.plugin} +not running +- +-$`),
      );
    } finally {
      await api.close();
    }
  });

  it("exits 1 when the name is taken or the tx aborts", async () => {
    const taken = fakeState();
    addChain(taken, 1, exampleSchema("gpu-rental"));
    const aborting = fakeState();
    aborting.outcome = "aborted";
    const [api1, api2] = await Promise.all([FakeApi.start(taken), FakeApi.start(aborting)]);
    try {
      const schemaPath = await dir.file("gpu.json", exampleSchema("gpu-rental"));
      const [dup, aborted] = await Promise.all([
        vshard(["chain", "register", "--schema", schemaPath, "--key", keyPath, "--api", api1.url]),
        vshard(["chain", "register", "--schema", schemaPath, "--key", keyPath, "--api", api2.url, "--wait"]),
      ]);
      expect(dup.code).toBe(1);
      expect(dup.stderr).toContain("vshard: a chain named 'gpu-rental' is already registered: chain 1");
      expect(api1.submitted).toEqual([]);
      expect(aborted.code).toBe(1);
      expect(aborted.stderr).toMatch(
        /vshard: registration [0-9a-f]{64} is final in block 21 but aborted: CHAIN_ERROR_NAME_TAKEN: name taken/,
      );
    } finally {
      await Promise.all([api1.close(), api2.close()]);
    }
  });
});

describe("vshard chain register --wait", () => {
  it("fails at once with the node's reason when the node rejected the tx while building a block", async () => {
    const state = fakeState();
    state.outcome = "rejected";
    const api = await FakeApi.start(state);
    try {
      const schemaPath = await dir.file("gpu-rejected.json", exampleSchema("gpu-rental"));
      const started = Date.now();
      const run = await vshard([
        "chain",
        "register",
        "--schema",
        schemaPath,
        "--key",
        keyPath,
        "--api",
        api.url,
        "--wait",
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^vshard: registration [0-9a-f]{64} was rejected and will not be included: TX_ERROR_CHAIN_NAME_TAKEN: chain name 'gpu-rental' is taken by chain 1\n$/,
      );
      // The default timeout is 60 s: the first poll ends the wait.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(api.requests.filter((r) => r.startsWith("GET /v1/txs/"))).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});

describe("vshard chain update", () => {
  it("checks the owner and the new version against the one in force before sending, then submits", async () => {
    const state = fakeState();
    addChain(state, 1, exampleSchema("gpu-rental"), addressOf(owner));
    const api = await FakeApi.start(state);
    try {
      const same = exampleSchema("gpu-rental");
      const next = { ...exampleSchema("gpu-rental"), version: 2 };
      const [samePath, nextPath] = await Promise.all([
        dir.file("same.json", same),
        dir.file("next.json", next),
      ]);
      const strangerKey = await dir.keyFile("stranger.json", testKeys(9));
      const args = ["chain", "update", "--chain", "1", "--api", api.url];
      const [refused, stranger] = await Promise.all([
        vshard([...args, "--key", keyPath, "--schema", samePath]),
        vshard([...args, "--key", strangerKey, "--schema", nextPath]),
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`vshard: ${samePath}: schema update $.version: `);
      expect(stranger.code).toBe(1);
      expect(stranger.stderr).toContain(
        `vshard: chain 1 is owned by ${addressOf(owner)}; the key file ${strangerKey} is ${addressOf(testKeys(9))}'s`,
      );
      expect(api.submitted).toEqual([]);

      const run = await vshard([...args, "--key", keyPath, "--schema", nextPath, "--wait"]);
      expect(run.stderr).toBe("");
      const [posted] = api.ofKind(TxKind.UpdateChain);
      expect(posted.tx).toMatchObject({ chainId: 0, shard: 0, nonce: 0, payload: { chainId: 1 } });
      expect(lines(run)[0]).toMatch(
        /^submitted [0-9a-f]{64} \(update chain 1 'gpu-rental' to version 2; from vs/,
      );
      expect(lines(run)[1]).toMatch(/^updated in block 21: chain 1 'gpu-rental' version 2, schema hash/);
    } finally {
      await api.close();
    }
  });

  it("names an unknown chain with the node's error", async () => {
    const api = await FakeApi.start();
    try {
      const path = await dir.file("v2.json", { ...exampleSchema("gpu-rental"), version: 2 });
      const run = await vshard([
        "chain",
        "update",
        "--chain",
        "9",
        "--schema",
        path,
        "--key",
        keyPath,
        "--api",
        api.url,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("vshard: CHAIN_NOT_FOUND: no such chain");
    } finally {
      await api.close();
    }
  });
});

describe("vshard chain list", () => {
  it("prints the main chain first, then each worker chain's shards", async () => {
    const state = fakeState();
    const gpu = addChain(state, 1, exampleSchema("gpu-rental"));
    gpu.summary.shards[3] = { ...gpu.summary.shards[3], running: false, height: null, finalizedHeight: null };
    const api = await FakeApi.start(state);
    try {
      const run = await vshard(["chain", "list", "--api", api.url]);
      expect(run.code).toBe(0);
      expect(lines(run)).toEqual([
        "CHAIN  NAME        VERSION  SHARD  PLUGIN  HEIGHT/FINAL  ANCHORED  COMMITTEE EPOCH",
        "0      main        -        0      dpos    20/18         -         -",
        "1      gpu-rental  1        0      bft     10/8          5         1",
        "                            1      bft     11/9          6         1",
        "                            2      dpos    12/10         7         1",
        "                            3      dpos    not running   8         1",
        "main chain at epoch 0; 1 worker chain",
      ]);
    } finally {
      await api.close();
    }
  });

  it("shows a chain without shards and nulls as dashes", () => {
    const out = chainTableLines({
      main: { chainId: 0, height: 5, finalizedHeight: 4, epoch: 2 },
      chains: [{ chainId: 7, name: "empty", version: 3, schemaHash: "00", owner: "vs1", shards: [] }],
    });
    expect(out).toEqual([
      "CHAIN  NAME   VERSION  SHARD  PLUGIN  HEIGHT/FINAL  ANCHORED  COMMITTEE EPOCH",
      "0      main   -        0      -       5/4           -         -",
      "7      empty  3        -      -       -             -         -",
      "main chain at epoch 2; 1 worker chain",
    ]);
  });

  it("says the node cannot be reached", async () => {
    const run = await vshard(["chain", "list", "--api", "http://127.0.0.1:9"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "vshard: API_CLIENT_UNREACHABLE: cannot reach the node at http://127.0.0.1:9",
    );
  });
});
