import { bytesToHex } from "@vshard/crypto";
import { addressFromPublicKey, addressToText } from "@vshard/types";
import { committeeMemberToJson } from "../networkJson.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";

/**
 * The node's consensus: its plugin, where it stands and what it has done (`status`, see `ConsensusStatus`), the
 * committee it started with, and the misbehaviour it has seen.
 */
export function consensusRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/consensus",
      operationId: "getConsensus",
      summary:
        "Plugin name, final height, status (height being decided, round, step, epoch, producers, event counters) " +
        "and committee members (address, ed25519 and BLS keys)",
      schema: {},
      async handler() {
        return {
          plugin: ctx.consensus.name,
          finalizedHeight: ctx.chain.finalizedHeight(),
          status: ctx.consensus.status(),
          committee: ctx.committee.members.map(committeeMemberToJson),
        };
      },
    },
    {
      method: "GET",
      url: "/v1/consensus/evidence",
      operationId: "getConsensusEvidence",
      summary: "Equivocations this node has seen: double proposals, double votes, double production",
      schema: {},
      async handler() {
        return ctx.consensus.evidence().map((e) => ({
          kind: e.kind,
          offender: addressToText(addressFromPublicKey(e.offender)),
          offenderPublicKey: bytesToHex(e.offender),
          height: e.height,
          round: e.round,
          first: bytesToHex(e.first),
          second: bytesToHex(e.second),
        }));
      },
    },
  ];
}
