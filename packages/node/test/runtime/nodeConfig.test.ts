import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/runtime/configError.ts";
import {
  networkIdOf,
  networkOfFile,
  parseNetworkFile,
  readNetworkFile,
} from "../../src/runtime/networkFile.ts";
import { parseNodeConfig, readNodeConfig } from "../../src/runtime/nodeConfig.ts";

const PEER = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
const FILE = "/etc/vshard/node-0/config.json";

const full = {
  name: "node-0",
  dataDir: ".",
  network: "../network.json",
  keyFile: "node.key",
  role: "full",
  serves: [{ chainId: 1, shard: 0 }],
  api: { host: "127.0.0.1", port: 7700 },
  p2p: {
    listen: ["/ip4/127.0.0.1/tcp/7800"],
    bootstrap: [`/ip4/127.0.0.1/tcp/7801/p2p/${PEER}`],
    maxMessageBytes: 1_048_576,
  },
  verifyThreads: 2,
  logLevel: "warn",
};

/** The ConfigError `fn` throws (fails the test if it throws nothing or something else). */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseNodeConfig", () => {
  it("reads every field and resolves paths against the config file's folder", () => {
    const c = parseNodeConfig(full, FILE);
    expect(c).toEqual({
      path: FILE,
      name: "node-0",
      dataDir: "/etc/vshard/node-0",
      network: "/etc/vshard/network.json",
      keyFile: "/etc/vshard/node-0/node.key",
      role: "full",
      serves: [{ chainId: 1, shard: 0 }],
      follows: [],
      fullNodes: [],
      api: { host: "127.0.0.1", port: 7700 },
      p2p: full.p2p,
      verifyThreads: 2,
      logLevel: "warn",
    });
  });

  it("fills the defaults: archive, no API, no bootstrap, the transport's message limit, one verify thread, info logs", () => {
    const c = parseNodeConfig(
      { name: "n", network: "/abs/network.json", p2p: { listen: ["/ip4/0.0.0.0/tcp/1"] } },
      "relative/dir/config.json",
    );
    expect(c.path).toBe(join(process.cwd(), "relative/dir/config.json"));
    expect(c.dataDir).toBe(join(process.cwd(), "relative/dir"));
    expect(c.network).toBe("/abs/network.json");
    expect(c.keyFile).toBe(join(process.cwd(), "relative/dir/node.key"));
    expect(c.role).toBe("archive");
    expect(c.serves).toEqual([]);
    expect(c.api).toBeNull();
    expect(c.p2p).toEqual({
      listen: ["/ip4/0.0.0.0/tcp/1"],
      bootstrap: [],
    });
    expect(c.verifyThreads).toBe(1);
    expect(c.logLevel).toBe("info");
    expect(parseNodeConfig({ ...full, api: null }, FILE).api).toBeNull();
  });

  const bad: Array<[string, Record<string, unknown>, string, string]> = [
    ["no name", { name: undefined }, "CONFIG_ERROR_MISSING_FIELD", "$.name"],
    ["an empty name", { name: "" }, "CONFIG_ERROR_BAD_FIELD", "$.name"],
    ["no network file", { network: undefined }, "CONFIG_ERROR_MISSING_FIELD", "$.network"],
    ["a numeric dataDir", { dataDir: 3 }, "CONFIG_ERROR_BAD_FIELD", "$.dataDir"],
    ["a keyFile that is not a string", { keyFile: ["k"] }, "CONFIG_ERROR_BAD_FIELD", "$.keyFile"],
    ["an unknown role", { role: "validator" }, "CONFIG_ERROR_BAD_FIELD", "$.role"],
    ["serves on an archive node", { role: "archive" }, "CONFIG_ERROR_BAD_FIELD", "$.serves"],
    ["serves not an array", { serves: {} }, "CONFIG_ERROR_BAD_FIELD", "$.serves"],
    ["a served shard that is not an object", { serves: [3] }, "CONFIG_ERROR_BAD_FIELD", "$.serves[0]"],
    [
      "the main chain in serves",
      { serves: [{ chainId: 0, shard: 0 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.serves[0].chainId",
    ],
    [
      "a negative shard",
      { serves: [{ chainId: 1, shard: -1 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.serves[0].shard",
    ],
    [
      "a served shard without its chain",
      { serves: [{ shard: 1 }] },
      "CONFIG_ERROR_MISSING_FIELD",
      "$.serves[0].chainId",
    ],
    ["an api that is a string", { api: "127.0.0.1:7700" }, "CONFIG_ERROR_BAD_FIELD", "$.api"],
    [
      "an api port out of range",
      { api: { host: "h", port: 70_000 } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.api.port",
    ],
    ["an api without host", { api: { port: 1 } }, "CONFIG_ERROR_MISSING_FIELD", "$.api.host"],
    [
      "an api with an unknown field",
      { api: { host: "h", port: 1, tls: true } },
      "CONFIG_ERROR_UNKNOWN_FIELD",
      "$.api.tls",
    ],
    ["no p2p", { p2p: undefined }, "CONFIG_ERROR_MISSING_FIELD", "$.p2p"],
    ["no listen address", { p2p: { listen: [] } }, "CONFIG_ERROR_BAD_FIELD", "$.p2p.listen"],
    [
      "a listen address that is no multiaddr",
      { p2p: { listen: ["127.0.0.1:7800"] } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.p2p.listen[0]",
    ],
    [
      "a listen address with a peer id",
      { p2p: { listen: [`/ip4/1.2.3.4/tcp/1/p2p/${PEER}`] } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.p2p.listen[0]",
    ],
    [
      "a bootstrap address without peer id",
      { p2p: { listen: ["/ip4/1.2.3.4/tcp/1"], bootstrap: ["/ip4/1.2.3.4/tcp/2"] } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.p2p.bootstrap[0]",
    ],
    [
      "a bootstrap entry that is a number",
      { p2p: { listen: ["/ip4/1.2.3.4/tcp/1"], bootstrap: [7] } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.p2p.bootstrap[0]",
    ],
    [
      "a tiny message limit",
      { p2p: { listen: ["/ip4/1.2.3.4/tcp/1"], maxMessageBytes: 10 } },
      "CONFIG_ERROR_BAD_FIELD",
      "$.p2p.maxMessageBytes",
    ],
    [
      "an unknown p2p field",
      { p2p: { listen: ["/ip4/1.2.3.4/tcp/1"], mdns: true } },
      "CONFIG_ERROR_UNKNOWN_FIELD",
      "$.p2p.mdns",
    ],
    ["fractional verify threads", { verifyThreads: 1.5 }, "CONFIG_ERROR_BAD_FIELD", "$.verifyThreads"],
    ["an unknown log level", { logLevel: "trace" }, "CONFIG_ERROR_BAD_FIELD", "$.logLevel"],
    ["a misspelt field", { bootstrap: [] }, "CONFIG_ERROR_UNKNOWN_FIELD", "$.bootstrap"],
  ];
  it.each(bad)("refuses %s, naming the file and the field", (_, change, code, field) => {
    const err = configErrorOf(() => parseNodeConfig({ ...full, ...change }, FILE));
    expect(err.code).toBe(code);
    expect(err.type).toEqual({ code, file: FILE, field });
    expect(err.message).toContain(FILE);
    expect(err.message).toContain(field);
  });

  it("refuses a config that is not an object", () => {
    for (const json of [null, [], "node", 7]) {
      const err = configErrorOf(() => parseNodeConfig(json, FILE));
      expect(err.type).toEqual({ code: "CONFIG_ERROR_BAD_FIELD", file: FILE, field: "$" });
    }
  });

  it("reads a file; an absent file or bad JSON is CONFIG_ERROR_UNREADABLE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "node-config-"));
    try {
      const path = join(dir, "config.json");
      await writeFile(path, JSON.stringify(full));
      expect((await readNodeConfig(path)).network).toBe(join(dir, "..", "network.json"));
      await writeFile(path, "{ not json");
      await expect(readNodeConfig(path)).rejects.toMatchObject({ code: "CONFIG_ERROR_UNREADABLE" });
      await expect(readNodeConfig(join(dir, "absent.json"))).rejects.toMatchObject({
        code: "CONFIG_ERROR_UNREADABLE",
        type: { file: join(dir, "absent.json"), field: "$" },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const PEER_2 = "12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK";

/** A light node's config: headers of two shards, from its bootstrap peers unless `fullNodes` says otherwise. */
const light = {
  name: "light-0",
  network: "../network.json",
  role: "light",
  follows: [
    { chainId: 1, shard: 0 },
    { chainId: 0, shard: 0 },
  ],
  api: { host: "127.0.0.1", port: 7710 },
  p2p: {
    listen: ["/ip4/127.0.0.1/tcp/7810"],
    bootstrap: [`/ip4/127.0.0.1/tcp/7800/p2p/${PEER}`, `/ip4/127.0.0.1/tcp/7801/p2p/${PEER_2}`],
  },
};
/** A storage node's config (with the small API a storage node has). */
const storage = {
  name: "storage-0",
  network: "../network.json",
  role: "storage",
  api: { host: "127.0.0.1", port: 7720 },
  p2p: { listen: ["/ip4/127.0.0.1/tcp/7820"], bootstrap: [`/ip4/127.0.0.1/tcp/7800/p2p/${PEER}`] },
};

describe("parseNodeConfig: storage and light roles", () => {
  it("reads a storage node: no shards, no followed shards, an API if it has one", () => {
    const c = parseNodeConfig(storage, FILE);
    expect(c.role).toBe("storage");
    expect(c).toMatchObject({ serves: [], follows: [], fullNodes: [], api: storage.api });
    expect(parseNodeConfig({ ...storage, api: undefined }, FILE).api).toBeNull();
  });

  it("reads a light node; its full nodes default to the peer ids of its bootstrap addresses", () => {
    const c = parseNodeConfig(light, FILE);
    expect(c.role).toBe("light");
    expect(c.follows).toEqual(light.follows);
    expect(c.fullNodes).toEqual([PEER, PEER_2]);
    expect(c.serves).toEqual([]);
    const twice = {
      ...light,
      p2p: { ...light.p2p, bootstrap: [...light.p2p.bootstrap, light.p2p.bootstrap[0]] },
    };
    expect(parseNodeConfig(twice, FILE).fullNodes).toEqual([PEER, PEER_2]);
    expect(parseNodeConfig({ ...light, fullNodes: [PEER_2] }, FILE).fullNodes).toEqual([PEER_2]);
    const alone = { ...light, fullNodes: [PEER], p2p: { listen: light.p2p.listen } };
    expect(parseNodeConfig(alone, FILE).fullNodes).toEqual([PEER]);
  });

  const bad: Array<[string, Record<string, unknown>, Record<string, unknown>, string, string]> = [
    [
      "serves on a storage node",
      storage,
      { serves: [{ chainId: 1, shard: 0 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.serves",
    ],
    ["serves on a light node", light, { serves: [] }, "CONFIG_ERROR_BAD_FIELD", "$.serves"],
    [
      "follows on a full node",
      full,
      { follows: [{ chainId: 1, shard: 0 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.follows",
    ],
    ["follows on a storage node", storage, { follows: [] }, "CONFIG_ERROR_BAD_FIELD", "$.follows"],
    [
      "fullNodes on an archive node",
      { ...full, serves: undefined, role: "archive" },
      { fullNodes: [PEER] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.fullNodes",
    ],
    [
      "verify threads on a storage node",
      storage,
      { verifyThreads: 2 },
      "CONFIG_ERROR_BAD_FIELD",
      "$.verifyThreads",
    ],
    [
      "verify threads on a light node",
      light,
      { verifyThreads: 0 },
      "CONFIG_ERROR_BAD_FIELD",
      "$.verifyThreads",
    ],
    [
      "a light node following nothing",
      light,
      { follows: undefined },
      "CONFIG_ERROR_MISSING_FIELD",
      "$.follows",
    ],
    ["a light node following an empty list", light, { follows: [] }, "CONFIG_ERROR_BAD_FIELD", "$.follows"],
    [
      "a followed shard repeated",
      light,
      {
        follows: [
          { chainId: 1, shard: 0 },
          { chainId: 1, shard: 0 },
        ],
      },
      "CONFIG_ERROR_BAD_FIELD",
      "$.follows[1]",
    ],
    [
      "a main-chain shard other than 0",
      light,
      { follows: [{ chainId: 0, shard: 1 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.follows[0].shard",
    ],
    [
      "a followed shard with an unknown field",
      light,
      { follows: [{ chainId: 1, shard: 0, from: 3 }] },
      "CONFIG_ERROR_UNKNOWN_FIELD",
      "$.follows[0].from",
    ],
    ["an empty fullNodes list", light, { fullNodes: [] }, "CONFIG_ERROR_BAD_FIELD", "$.fullNodes"],
    [
      "a full node that is no peer id",
      light,
      { fullNodes: ["node-0"] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.fullNodes[0]",
    ],
    [
      "a full node given twice",
      light,
      { fullNodes: [PEER, PEER] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.fullNodes[1]",
    ],
    ["a full node that is a number", light, { fullNodes: [7] }, "CONFIG_ERROR_BAD_FIELD", "$.fullNodes[0]"],
    [
      "a light node with neither full nodes nor bootstrap peers",
      light,
      { p2p: { listen: ["/ip4/127.0.0.1/tcp/7810"] } },
      "CONFIG_ERROR_MISSING_FIELD",
      "$.fullNodes",
    ],
  ];
  it.each(bad)("refuses %s, naming the file and the field", (_, base, change, code, field) => {
    const err = configErrorOf(() => parseNodeConfig({ ...base, ...change }, FILE));
    expect(err.type).toEqual({ code, file: FILE, field });
    expect(err.message).toContain(FILE);
    expect(err.message).toContain(field);
  });

  it("says which role a misplaced field belongs to", () => {
    expect(() => parseNodeConfig({ ...storage, follows: [] }, FILE)).toThrow(
      /\$\.follows applies to role "light" only .* not "storage"/,
    );
  });
});

const NETWORK_FILE = "/etc/vshard/network.json";
const network = {
  validators: 4,
  seed: 42,
  genesisTime: 1_700_000_000_000,
  epochBlocks: 32,
  blockIntervalMs: 250,
  chains: [],
  accounts: [{ address: "vs26ec4f842b77f807fe2cb0c1cba1ac63d42794575f2bed1a", balance: "1000" }],
  witnessesPerCommittee: 2,
  replicas: 3,
};

describe("the network file", () => {
  it("parses, and the same file gives every reader the same genesis and network id", async () => {
    const file = parseNetworkFile(network, NETWORK_FILE);
    expect(file).toEqual(network);
    const a = networkOfFile(file);
    const b = networkOfFile(parseNetworkFile(JSON.parse(JSON.stringify(network)), NETWORK_FILE));
    expect(a.validators.map((v) => v.keys.publicKey)).toEqual(b.validators.map((v) => v.keys.publicKey));
    expect(a.config.witnessesPerCommittee).toBe(2);
    expect(a.config.dlfs.replicas).toBe(3);
    expect(a.config.main.chain.main.epochBlocks).toBe(32);
    const id = await networkIdOf(a.config.genesis);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await networkIdOf(b.config.genesis)).toBe(id);
    const other = networkOfFile(parseNetworkFile({ ...network, seed: 43 }, NETWORK_FILE));
    expect(await networkIdOf(other.config.genesis)).not.toBe(id);
  });

  const bad: Array<[string, Record<string, unknown>, string, string]> = [
    ["no validators", { validators: undefined }, "CONFIG_ERROR_MISSING_FIELD", "$.validators"],
    ["zero validators", { validators: 0 }, "CONFIG_ERROR_BAD_FIELD", "$.validators"],
    ["an odd epoch", { epochBlocks: 33 }, "CONFIG_ERROR_BAD_FIELD", "$.epochBlocks"],
    [
      "an epoch shorter than twice the anchor delay",
      { epochBlocks: 16 },
      "CONFIG_ERROR_BAD_FIELD",
      "$.epochBlocks",
    ],
    ["a text seed", { seed: "42" }, "CONFIG_ERROR_BAD_FIELD", "$.seed"],
    ["a chain that is no schema", { chains: [{ name: "x" }] }, "CONFIG_ERROR_BAD_FIELD", "$.chains[0]"],
    [
      "a bad address",
      { accounts: [{ address: "vs00", balance: "1" }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.accounts[0].address",
    ],
    [
      "a numeric balance",
      { accounts: [{ address: network.accounts[0].address, balance: 5 }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.accounts[0].balance",
    ],
    [
      "a balance of 2^64",
      { accounts: [{ address: network.accounts[0].address, balance: String(2n ** 64n) }] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.accounts[0].balance",
    ],
    [
      "no witnesses per committee (an in-process devnet's file)",
      { witnessesPerCommittee: undefined },
      "CONFIG_ERROR_MISSING_FIELD",
      "$.witnessesPerCommittee",
    ],
    ["zero replicas", { replicas: 0 }, "CONFIG_ERROR_BAD_FIELD", "$.replicas"],
    ["an unknown field", { validator: 4 }, "CONFIG_ERROR_UNKNOWN_FIELD", "$.validator"],
    ["a storage list that is not an array", { storage: PEER }, "CONFIG_ERROR_BAD_FIELD", "$.storage"],
    [
      "a storage node that is no peer id",
      { storage: [PEER, "storage-1"] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.storage[1]",
    ],
    [
      "an RSA peer id among the storage nodes",
      { storage: ["QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.storage[0]",
    ],
    [
      "a storage node listed twice",
      { storage: [PEER, PEER_2, PEER] },
      "CONFIG_ERROR_BAD_FIELD",
      "$.storage[2]",
    ],
  ];
  it.each(bad)("refuses %s", (_, change, code, field) => {
    const err = configErrorOf(() => parseNetworkFile({ ...network, ...change }, NETWORK_FILE));
    expect(err.type).toEqual({ code, file: NETWORK_FILE, field });
  });

  it("lists the storage nodes' peer ids when it has them (none: no storage field)", () => {
    expect(parseNetworkFile({ ...network, storage: [PEER, PEER_2] }, NETWORK_FILE).storage).toEqual([
      PEER,
      PEER_2,
    ]);
    expect(parseNetworkFile({ ...network, storage: [] }, NETWORK_FILE).storage).toEqual([]);
    expect("storage" in parseNetworkFile(network, NETWORK_FILE)).toBe(false);
    // The membership is not part of the genesis: the same network with or without it.
    const a = networkOfFile(parseNetworkFile(network, NETWORK_FILE));
    const b = networkOfFile(parseNetworkFile({ ...network, storage: [PEER] }, NETWORK_FILE));
    expect(a.config.genesis).toEqual(b.config.genesis);
  });

  it("explains a storage entry that is not a peer id", () => {
    expect(() => parseNetworkFile({ ...network, storage: ["storage-0"] }, NETWORK_FILE)).toThrow(
      /\/etc\/vshard\/network\.json: \$\.storage\[0\] is not a peer id/,
    );
  });

  it("reads a file, naming it when it is absent", async () => {
    await expect(readNetworkFile("/nonexistent/network.json")).rejects.toMatchObject({
      code: "CONFIG_ERROR_UNREADABLE",
      message: expect.stringContaining("/nonexistent/network.json"),
    });
  });
});
