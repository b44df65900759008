import { bytesToHex } from "@vshard/crypto";
import { assignmentToJson, epochStart, MAIN_CHAIN_ID, phaseOf, sortitionPhaseStart } from "@vshard/engine";
import { ApiError } from "../apiError.ts";
import { addressOfKey } from "../networkJson.ts";
import type { NetworkView } from "../networkView.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { networkOf } from "./networkScope.ts";

const epochParamsSchema = {
  type: "object",
  required: ["n"],
  properties: { n: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
} as const;

/** Height of the main chain's last committed block: what the epoch tracker reads. */
function committedHeight(network: NetworkView): number {
  return network.shard(MAIN_CHAIN_ID, 0)?.chain.head().height ?? 0;
}

/** 404 `EPOCH_NOT_FIXED`: what of epoch `n` is not fixed yet, and from which committed main height it will be. */
function notFixed(network: NetworkView, n: number, what: string, fixedAt: number): ApiError {
  return new ApiError(
    404,
    "EPOCH_NOT_FIXED",
    `${what} of epoch ${n} is not fixed yet: it is once main height ${fixedAt} is committed (now ${committedHeight(network)})`,
  );
}

/**
 * Main-chain epochs: where the chain stands, each epoch's seed with the VRF proofs that made it, and each epoch's
 * committee assignment with everything `verifyAssignment` needs to recompute it.
 */
export function epochRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/epochs",
      operationId: "getEpochs",
      summary:
        "The current epoch of the main chain's committed head, blocks per epoch, the phase (seed or sortition) and " +
        "the heights where the epoch, its sortition phase and the next epoch start",
      schema: {},
      async handler() {
        const network = networkOf(ctx);
        const { rules } = network;
        const height = committedHeight(network);
        const epoch = network.epochs.currentEpoch();
        return {
          epoch,
          epochBlocks: rules.epochBlocks,
          phase: phaseOf(height, rules),
          committedHeight: height,
          epochStart: epochStart(epoch, rules),
          sortitionPhaseStart: sortitionPhaseStart(epoch, rules),
          nextEpochStart: epochStart(epoch + 1, rules),
        };
      },
    },
    {
      method: "GET",
      url: "/v1/epochs/:n",
      operationId: "getEpoch",
      summary:
        "An epoch's seed and what made it: the seed proofs published in the previous epoch's seed phase (validator, " +
        "VRF key, proof, height, whether it verified); `fallback` when none verified",
      schema: { params: epochParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        const { n } = req.params as { n: number };
        const record = await network.epochs.seed(n);
        if (!record) throw notFixed(network, n, "the seed", sortitionPhaseStart(n - 1, network.rules) - 1);
        return {
          epoch: record.epoch,
          seed: bytesToHex(record.seed),
          fallback: record.fallback,
          contributions: record.contributions.map((c) => ({
            validator: bytesToHex(c.validator),
            address: addressOfKey(c.validator),
            vrfPublicKey: c.vrfPublicKey ? bytesToHex(c.vrfPublicKey) : null,
            proof: bytesToHex(c.proof),
            height: c.height,
            valid: c.valid,
          })),
        };
      },
    },
    {
      method: "GET",
      url: "/v1/epochs/:n/committees",
      operationId: "getEpochCommittees",
      summary:
        "An epoch's committee assignment: per shard its members (VRF key, proof, output) and witnesses, and the " +
        "excluded validators with the reason; check it with verifyAssignment(assignmentFromJson(assignment))",
      schema: { params: epochParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        const { n } = req.params as { n: number };
        const committees = await network.epochs.committeesOf(n);
        if (!committees)
          throw notFixed(network, n, "the committee assignment", epochStart(n, network.rules) - 1);
        return {
          epoch: committees.epoch,
          seed: bytesToHex(committees.seed),
          fixedAtHeight: committees.fixedAtHeight,
          assignment: committees.assignment ? assignmentToJson(committees.assignment) : null,
        };
      },
    },
  ];
}
