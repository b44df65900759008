import type { RouteDefinition } from "../api/routeDefinition.ts";
import { p2pRoutes } from "../api/routes/p2pRoutes.ts";
import type { StorageMembership } from "../dlfs/storageMembership.ts";
import type { StorageNode } from "../dlfs/storageNode.ts";
import type { P2pView } from "../network/libp2p/p2pView.ts";

/**
 * A storage node's own routes: `GET /v1/node` (its role, peer id, whether it is a member, the membership, its
 * store's figures and repairs) and, on libp2p, `GET /v1/p2p`. Objects themselves travel over the peer RPC only.
 */
export function storageRoutes(
  node: StorageNode,
  membership: StorageMembership,
  p2p: P2pView | null,
): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/node",
      operationId: "getStorageNode",
      summary:
        "The storage node: its role and peer id, whether the network lists it as a member, the members, the objects " +
        "and bytes it stores, and its repair figures",
      schema: {},
      handler: async () => {
        const members = membership.members();
        return {
          role: "storage",
          peerId: node.id,
          member: members.includes(node.id),
          members,
          stats: node.stats(),
        };
      },
    },
    ...p2pRoutes(p2p),
  ];
}
