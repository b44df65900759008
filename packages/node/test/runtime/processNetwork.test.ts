import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesToHex } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import { readKeyFile } from "../../src/keyFile.ts";
import { peerIdOfPublicKey } from "../../src/network/libp2p/peerIdentity.ts";
import { readNetworkFile } from "../../src/runtime/networkFile.ts";
import { networkValidator } from "../../src/runtime/networkGenesis.ts";
import { readNodeConfig } from "../../src/runtime/nodeConfig.ts";
import { planProcessNetwork } from "../../src/runtime/processNetwork.ts";
import { processNetworkOptions, tempFolders } from "./processNetworkFixture.ts";

const options = (dataDir: string) => processNetworkOptions(dataDir, { validators: 3 });

describe("planProcessNetwork", () => {
  const folder = tempFolders("process-network-");

  it("writes a network file, the faucet, and per node its validator key and a config bootstrapping from the others", async () => {
    const dir = await folder();
    const plan = await planProcessNetwork(options(dir));
    const network = await readNetworkFile(join(dir, "network.json"));
    expect(network.validators).toBe(3);
    expect(network.witnessesPerCommittee).toBe(2);
    expect(network.chains).toHaveLength(1);
    expect(network.accounts.map((a) => a.address)).toEqual([plan.faucetAddress]);
    expect(plan.faucetKeyPath).toBe(join(dir, "keys", "faucet.json"));
    expect((await stat(plan.faucetKeyPath)).mode & 0o777).toBe(0o600);

    expect(plan.nodes.map((n) => n.name)).toEqual(["node-0", "node-1", "node-2"]);
    for (const [i, node] of plan.nodes.entries()) {
      const config = await readNodeConfig(node.configPath);
      const key = await readKeyFile(config.keyFile);
      const validator = networkValidator(network.seed, i);
      expect(bytesToHex(key.publicKey)).toBe(bytesToHex(validator.keys.publicKey));
      expect(node.peerId).toBe(peerIdOfPublicKey(key.publicKey));
      expect(config.dataDir).toBe(join(dir, `node-${i}`));
      expect(config.network).toBe(join(dir, "network.json"));
      expect(config.api).toEqual({ host: "127.0.0.1", port: 17_700 + i });
      expect(node.apiUrl).toBe(`http://127.0.0.1:${17_700 + i}`);
      expect(config.p2p.listen).toEqual([`/ip4/127.0.0.1/tcp/${17_800 + i}`]);
      expect(node.multiaddr).toBe(`/ip4/127.0.0.1/tcp/${17_800 + i}/p2p/${node.peerId}`);
      expect(config.p2p.bootstrap).toEqual(plan.nodes.filter((n) => n !== node).map((n) => n.multiaddr));
      expect(config.verifyThreads).toBe(0);
      expect(config.logLevel).toBe("warn");
      expect(node.logPath).toBe(join(dir, `node-${i}`, "node.log"));
    }
  });

  it("gives each node its host, and free ports when asked for port 0", async () => {
    const dir = await folder();
    const plan = await planProcessNetwork({
      ...options(dir),
      hosts: ["127.0.0.1", "127.0.0.1", "127.0.0.1"],
      apiPort: 0,
      p2pPort: 0,
    });
    const ports = plan.nodes.flatMap((n) => [
      Number(new URL(n.apiUrl).port),
      Number(/tcp\/(\d+)/.exec(n.multiaddr)?.[1]),
    ]);
    expect(ports.every((p) => p > 0)).toBe(true);
    await expect(planProcessNetwork({ ...options(dir), hosts: ["127.0.0.1"] })).rejects.toThrow(/3 hosts/);
  });

  it("resumes the same network; another validator count or an in-process devnet folder is refused", async () => {
    const dir = await folder();
    await planProcessNetwork(options(dir));
    const before = await readFile(join(dir, "network.json"), "utf8");
    const again = await planProcessNetwork({ ...options(dir), p2pPort: 18_800, witnessesPerCommittee: 3 });
    expect(await readFile(join(dir, "network.json"), "utf8")).toBe(before);
    expect(again.network.witnessesPerCommittee).toBe(2);
    expect((await readNodeConfig(again.nodes[0].configPath)).p2p.listen).toEqual([
      "/ip4/127.0.0.1/tcp/18800",
    ]);
    await expect(planProcessNetwork({ ...options(dir), validators: 4 })).rejects.toThrow(
      `${join(dir, "network.json")} holds a network of 3 validators, not 4`,
    );

    const inProcess = await folder();
    const { witnessesPerCommittee, replicas, ...devnetFile } = JSON.parse(before);
    await writeFile(join(inProcess, "network.json"), JSON.stringify(devnetFile));
    await expect(planProcessNetwork(options(inProcess))).rejects.toThrow(/holds an in-process devnet/);
  });
});
