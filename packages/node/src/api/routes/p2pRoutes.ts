import type { P2pView } from "../../network/libp2p/p2pView.ts";
import { ApiError } from "../apiError.ts";
import type { RouteDefinition } from "../routeDefinition.ts";

/** The node's libp2p endpoint: its identity and addresses, its peers with their scores, message counts. */
export function p2pRoutes(p2p: P2pView | null): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/p2p",
      operationId: "getP2p",
      summary:
        "This node's libp2p peer id and listen addresses, its connected peers and every peer that misbehaved (score, " +
        "gossipsub score, offences, banned), and message counts by topic",
      schema: {},
      handler: async () => {
        if (!p2p)
          throw new ApiError(
            404,
            "API_ERROR_NO_P2P",
            "this node runs on the in-process simulated network, not libp2p",
          );
        return { peerId: p2p.peerId, addresses: p2p.addresses(), peers: p2p.peerViews(), stats: p2p.stats() };
      },
    },
  ];
}
