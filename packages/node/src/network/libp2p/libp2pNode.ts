import "./polyfill.ts";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type GossipSub, gossipsub, type TopicValidatorResult } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { Libp2p, PeerId } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";
import type { Ed25519KeyPair } from "@vshard/crypto";
import { createLibp2p } from "libp2p";
import { NetworkError } from "../networkError.ts";
import type { PeerGuard } from "./peerGuard.ts";
import { libp2pPrivateKeyOf } from "./peerIdentity.ts";

/** The gossipsub methods the transport uses beyond its typed interface (the class has them). */
export interface GossipSubControl extends GossipSub {
  reportMessageValidationResult(msgId: string, propagationSource: string, result: TopicValidatorResult): void;
  getScore(peerId: string): number;
}

/** A started libp2p node with the services the transport uses. */
export type Libp2pNode = Libp2p<{ identify: unknown; pubsub: GossipSub }>;

/** A bootstrap peer: where to dial it and the peer id it must have. */
export interface BootstrapPeer {
  addr: Multiaddr;
  peer: string;
}

/** Parses bootstrap multiaddrs; each must end in `/p2p/<peer id>` (`NETWORK_ERROR_P2P_START` otherwise). */
export function parseBootstrap(addresses: string[]): BootstrapPeer[] {
  try {
    return addresses.map((a) => {
      const addr = multiaddr(a);
      const peer = addr.getComponents().find((c) => c.name === "p2p")?.value;
      if (!peer) throw new Error(`bootstrap address ${a} has no /p2p/<peer id>`);
      return { addr, peer };
    });
  } catch (err) {
    throw new NetworkError(
      { code: "NETWORK_ERROR_P2P_START", detail: "bootstrap" },
      `bad bootstrap address: ${(err as Error).message}`,
    );
  }
}

/**
 * Starts libp2p on `listen`: TCP, noise, yamux, identify and gossipsub that relays only what the node's handlers
 * accepted (asynchronous validation), scores peers with the guard's score as its application-specific part, and a
 * connection gater that keeps banned peers out.
 */
export async function createLibp2pNode(
  opts: { listen: string[] },
  parts: { keys: Ed25519KeyPair; guard: PeerGuard; maxBytes: number },
): Promise<Libp2pNode> {
  const { guard, maxBytes } = parts;
  const isBanned = async (peer: PeerId) => guard.isBanned(peer.toString());
  try {
    return (await createLibp2p({
      privateKey: await libp2pPrivateKeyOf(parts.keys),
      addresses: { listen: opts.listen },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialPeer: isBanned, denyInboundEncryptedConnection: isBanned },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          ignoreDuplicatePublishError: true,
          // Relay only what the handlers found valid (they verify signatures and decode).
          asyncValidation: true,
          // A gossip RPC may batch several messages; a single message over maxBytes is refused by validation.
          maxInboundDataLength: 2 * maxBytes + 64 * 1024,
          scoreParams: { appSpecificScore: (p: string) => guard.score(p), appSpecificWeight: 1 },
        }),
      },
    })) as unknown as Libp2pNode;
  } catch (err) {
    throw new NetworkError(
      { code: "NETWORK_ERROR_P2P_START", detail: opts.listen.join(",") },
      `libp2p could not start on ${opts.listen.join(", ")}: ${(err as Error).message}`,
    );
  }
}
