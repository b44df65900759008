import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readKeyFile } from "../../src/keyFile.ts";
import { peerIdOfPublicKey } from "../../src/network/libp2p/peerIdentity.ts";
import { readNetworkFile } from "../../src/runtime/networkFile.ts";
import { readNodeConfig } from "../../src/runtime/nodeConfig.ts";
import { planProcessNetwork } from "../../src/runtime/processNetwork.ts";
import { processNetworkOptions, tempFolders } from "./processNetworkFixture.ts";

const options = (dataDir: string) =>
  processNetworkOptions(dataDir, { validators: 2, storageNodes: 3, lightNodes: 1 });

describe("planProcessNetwork: storage and light nodes", () => {
  const folder = tempFolders("process-roles-");

  it("lists the storage nodes' peer ids in the network file and writes a config per storage and light node", async () => {
    const dir = await folder();
    const plan = await planProcessNetwork(options(dir));
    const network = await readNetworkFile(plan.networkPath);
    expect(plan.storage.map((s) => s.name)).toEqual(["storage-0", "storage-1", "storage-2"]);
    expect(plan.lights.map((l) => l.name)).toEqual(["light-0"]);
    expect(network.storage).toEqual(plan.storage.map((s) => s.peerId));
    const chainNodes = [...plan.nodes, ...plan.storage].map((n) => n.multiaddr);
    // Ports: validators first, then the storage nodes, then the light nodes.
    expect([...plan.nodes, ...plan.storage, ...plan.lights].map((n) => n.apiUrl)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `http://127.0.0.1:${17_700 + i}`),
    );
    for (const [i, s] of plan.storage.entries()) {
      const config = await readNodeConfig(s.configPath);
      expect(s.role).toBe("storage");
      expect(config.role).toBe("storage");
      expect(peerIdOfPublicKey((await readKeyFile(config.keyFile)).publicKey)).toBe(s.peerId);
      expect(config.api).toEqual({ host: "127.0.0.1", port: 17_702 + i });
      expect(config.p2p.listen).toEqual([`/ip4/127.0.0.1/tcp/${17_802 + i}`]);
      expect(config.p2p.bootstrap).toEqual(chainNodes.filter((a) => a !== s.multiaddr));
      expect(config.network).toBe(join(dir, "network.json"));
    }
    // Validators dial the storage nodes too (a proposer writes its bodies to them).
    const v0 = await readNodeConfig(plan.nodes[0].configPath);
    expect(v0.role).toBe("archive");
    expect(v0.p2p.bootstrap).toEqual(chainNodes.filter((a) => a !== plan.nodes[0].multiaddr));

    const light = await readNodeConfig(plan.lights[0].configPath);
    expect(light.role).toBe("light");
    // Every shard of the genesis worker chain (gpu-rental has 4).
    expect(light.follows).toEqual([0, 1, 2, 3].map((shard) => ({ chainId: 1, shard })));
    expect(plan.follows).toEqual(light.follows);
    expect(light.fullNodes).toEqual(plan.nodes.map((n) => n.peerId));
    expect(light.p2p.bootstrap).toEqual(chainNodes);
    expect(light.api).toEqual({ host: "127.0.0.1", port: 17_705 });
    expect(peerIdOfPublicKey((await readKeyFile(light.keyFile)).publicKey)).toBe(plan.lights[0].peerId);
  });

  it("resumes the membership; another storage-node count or a lost storage key is refused, naming the file", async () => {
    const dir = await folder();
    const first = await planProcessNetwork(options(dir));
    const again = await planProcessNetwork({ ...options(dir), storageNodes: undefined, lightNodes: 2 });
    expect(again.storage.map((s) => s.peerId)).toEqual(first.storage.map((s) => s.peerId));
    expect(again.lights.map((l) => l.name)).toEqual(["light-0", "light-1"]);
    expect(again.lights[0].peerId).toBe(first.lights[0].peerId);
    await expect(planProcessNetwork({ ...options(dir), storageNodes: 5 })).rejects.toThrow(
      `${join(dir, "network.json")} lists 3 storage nodes, not 5`,
    );
    await rm(join(dir, "storage-1", "node.key"));
    await expect(planProcessNetwork(options(dir))).rejects.toThrow(
      `${join(dir, "storage-1", "node.key")} is not the key of storage node ${first.storage[1].peerId}`,
    );
  });

  it("without storage nodes: no storage field, and light nodes follow the main chain when there is no worker chain", async () => {
    const dir = await folder();
    const plan = await planProcessNetwork({ ...options(dir), chains: [], storageNodes: undefined });
    expect(plan.storage).toEqual([]);
    expect(JSON.parse(await readFile(plan.networkPath, "utf8")).storage).toBeUndefined();
    expect(plan.follows).toEqual([{ chainId: 0, shard: 0 }]);
    expect((await readNodeConfig(plan.lights[0].configPath)).follows).toEqual([{ chainId: 0, shard: 0 }]);
    await expect(planProcessNetwork({ ...options(dir), chains: [] })).rejects.toThrow(
      "lists 0 storage nodes, not 3",
    );
  });
});
