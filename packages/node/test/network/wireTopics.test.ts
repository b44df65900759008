import { SYNC_BLOCKS, SYNC_REQUEST, SYNC_STATUS } from "@vshard/consensus";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RPC_REQUEST_TOPIC, RPC_RESPONSE_TOPIC } from "../../src/dlfs/peerRpc.ts";
import {
  directKindOf,
  directProtocolOf,
  directProtocols,
  gossipTopicOf,
  isDirectOnly,
  transportTopicOf,
} from "../../src/network/libp2p/wireTopics.ts";
import { shardTopic } from "../../src/runtime/nodeOptions.ts";

const NET = "0123456789abcdef";

/** The transport topics a node uses for chain 1 shard 0 (txs, consensus messages, block sync) and peer RPC. */
const consensus = `${shardTopic(1, 0)}/consensus`;
const topics = {
  txs: `${shardTopic(1, 0)}/txs`,
  proposal: `${consensus}/proposal`,
  vote: `${consensus}/vote`,
  syncStatus: `${consensus}/${SYNC_STATUS}`,
  syncRequest: `${consensus}/${SYNC_REQUEST}`,
  syncBlocks: `${consensus}/${SYNC_BLOCKS}`,
  rpcRequest: RPC_REQUEST_TOPIC,
  rpcResponse: RPC_RESPONSE_TOPIC,
};

describe("wire topics", () => {
  it("names gossip topics under the network's id and reads them back (property)", () => {
    expect(gossipTopicOf(NET, topics.txs)).toBe(`/vshard/${NET}/vshard/1/0/txs`);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 1, maxLength: 16 }),
        fc.string({ minLength: 1 }),
        (net, topic) => {
          expect(transportTopicOf(net, gossipTopicOf(net, topic))).toBe(topic);
        },
      ),
    );
  });

  it("refuses another network's topics, a bare prefix and foreign names", () => {
    const theirs = gossipTopicOf("fedcba9876543210", topics.txs);
    expect(transportTopicOf(NET, theirs)).toBeNull();
    // A network id that is a prefix of ours (or ours of theirs) does not match either.
    expect(transportTopicOf(NET.slice(0, 8), gossipTopicOf(NET, topics.txs))).toBeNull();
    expect(transportTopicOf(NET, gossipTopicOf(`${NET}0`, topics.txs))).toBeNull();
    expect(transportTopicOf(NET, `/vshard/${NET}/`)).toBeNull();
    expect(transportTopicOf(NET, `/vshard/${NET}`)).toBeNull();
    expect(transportTopicOf(NET, topics.txs)).toBeNull();
    expect(transportTopicOf(NET, "/meshsub/1.1.0")).toBeNull();
    expect(transportTopicOf(NET, "")).toBeNull();
  });

  it("keeps block-sync requests and answers and peer RPC off gossip; the rest is published", () => {
    const directOnly = Object.entries(topics)
      .filter(([, t]) => isDirectOnly(t))
      .map(([name]) => name);
    expect(directOnly.sort()).toEqual(["rpcRequest", "rpcResponse", "syncBlocks", "syncRequest"]);
    // The main chain's too, and any chain shard's.
    expect(isDirectOnly(`${shardTopic(0, 0)}/consensus/${SYNC_REQUEST}`)).toBe(true);
    expect(isDirectOnly(`${shardTopic(7, 1023)}/consensus/${SYNC_BLOCKS}`)).toBe(true);
    expect(isDirectOnly(`${shardTopic(0, 0)}/txs`)).toBe(false);
  });

  it("sends each direct message on the protocol of its kind", () => {
    expect(directKindOf(topics.rpcRequest)).toBe("rpc");
    expect(directKindOf(topics.rpcResponse)).toBe("rpc");
    expect(directKindOf(topics.syncRequest)).toBe("sync");
    expect(directKindOf(topics.syncBlocks)).toBe("sync");
    expect(directKindOf(topics.syncStatus)).toBe("sync");
    // Consensus messages sent to one peer (a bft catch-up, a dpos block asked for) go on the generic protocol.
    expect(directKindOf(topics.proposal)).toBe("direct");
    expect(directKindOf(topics.vote)).toBe("direct");
    expect(directKindOf(topics.txs)).toBe("direct");
    // "rpc/" must lead: a shard topic that merely contains it is not peer RPC.
    expect(directKindOf("vshard/1/0/rpc/request")).toBe("direct");
  });

  it("namespaces the stream protocols by network, one per kind", () => {
    expect(directProtocolOf(NET, "sync")).toBe(`/vshard/${NET}/sync/1.0.0`);
    expect(directProtocolOf(NET, "rpc")).toBe(`/vshard/${NET}/rpc/1.0.0`);
    expect(directProtocolOf(NET, "direct")).toBe(`/vshard/${NET}/direct/1.0.0`);
    const all = directProtocols(NET);
    expect(all.map((p) => p.kind)).toEqual(["sync", "rpc", "direct"]);
    for (const { kind, protocol } of all) expect(protocol).toBe(directProtocolOf(NET, kind));
    const other = directProtocols("fedcba9876543210").map((p) => p.protocol);
    expect(all.some((p) => other.includes(p.protocol))).toBe(false);
  });
});
