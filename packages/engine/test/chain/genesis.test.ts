import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { addressFromPublicKey, addressToText } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { genesisFromJson, genesisSupply } from "../../src/chain/genesis.ts";
import { GenesisError } from "../../src/errors.ts";

const key = ed25519KeyPairFromSeed(new Uint8Array(32).fill(7));
const address = addressToText(addressFromPublicKey(key.publicKey));
const valid = {
  chainId: 1,
  shard: 0,
  time: 1,
  authority: bytesToHex(key.publicKey),
  accounts: [{ address, balance: "1000" }],
};

describe("genesisFromJson", () => {
  it("reads a valid genesis and its supply", () => {
    const g = genesisFromJson(valid);
    expect(g.accounts).toHaveLength(1);
    expect(genesisSupply(g)).toBe(1000n);
  });

  it.each([
    [{ ...valid, chainId: -1 }, "$.chainId"],
    [{ ...valid, authority: "xyz" }, "$.authority"],
    [{ ...valid, accounts: "none" }, "$.accounts"],
    [{ ...valid, accounts: [{ address: "vs00", balance: "1" }] }, "$.accounts[0].address"],
    [{ ...valid, accounts: [{ address, balance: "-5" }] }, "$.accounts[0].balance"],
    [
      {
        ...valid,
        accounts: [
          { address, balance: "1" },
          { address, balance: "2" },
        ],
      },
      "$.accounts[1].address",
    ],
    [{ ...valid, accounts: [{ address, balance: (1n << 64n).toString() }] }, "$.accounts[0].balance"],
  ])("refuses %j naming %s", (json, path) => {
    try {
      genesisFromJson(json);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(GenesisError);
      expect((err as GenesisError).type.path).toBe(path);
      expect((err as Error).message).toContain(path);
    }
  });
});
