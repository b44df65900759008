import { describe, expect, it } from "vitest";
import {
  consensusChannelOf,
  type MessageHandler,
  SimNetwork,
  Simulator,
  type Transport,
} from "../../src/index.ts";

/** A hand-written fake that records what the channel asks of its transport. */
class RecordingTransport implements Transport {
  readonly peerId = "me";
  readonly calls: string[] = [];
  readonly handlers = new Map<string, MessageHandler>();
  publish(topic: string, data: Uint8Array): void {
    this.calls.push(`publish ${topic} ${data.length}`);
  }
  send(peer: string, topic: string, data: Uint8Array): void {
    this.calls.push(`send ${peer} ${topic} ${data.length}`);
  }
  subscribe(topic: string, handler: MessageHandler): () => void {
    this.calls.push(`subscribe ${topic}`);
    this.handlers.set(topic, handler);
    return () => this.calls.push(`unsubscribe ${topic}`);
  }
  peers(): string[] {
    return [];
  }
  close(): void {}
}

describe("consensusChannelOf", () => {
  it("maps a plugin's message kind to the topic prefix/kind", () => {
    const transport = new RecordingTransport();
    const channel = consensusChannelOf(transport, "vshard/main/0");
    channel.publish("vote", new Uint8Array(3));
    channel.send("peer1", "sync", new Uint8Array(1));
    const handler = () => {};
    const unsubscribe = channel.subscribe("proposal", handler);
    unsubscribe();
    expect(transport.calls).toEqual([
      "publish vshard/main/0/vote 3",
      "send peer1 vshard/main/0/sync 1",
      "subscribe vshard/main/0/proposal",
      "unsubscribe vshard/main/0/proposal",
    ]);
    expect(transport.handlers.get("vshard/main/0/proposal")).toBe(handler);
  });

  it("keeps shards apart on a simulated network", async () => {
    const sim = new Simulator({ seed: 1 });
    const net = new SimNetwork(sim);
    const got: string[] = [];
    const a0 = consensusChannelOf(net.join("a"), "chain/0");
    const b0 = consensusChannelOf(net.join("b"), "chain/0");
    const c1 = consensusChannelOf(net.join("c"), "chain/1");
    b0.subscribe("vote", (from, data) => void got.push(`b0 ${from} ${data[0]}`));
    c1.subscribe("vote", (from, data) => void got.push(`c1 ${from} ${data[0]}`));
    a0.publish("vote", Uint8Array.of(5));
    a0.send("b", "vote", Uint8Array.of(6));
    expect(await sim.runUntilCondition(() => got.length === 2, 1000)).toBe(true);
    expect(got.sort()).toEqual(["b0 a 5", "b0 a 6"]);
  });
});
