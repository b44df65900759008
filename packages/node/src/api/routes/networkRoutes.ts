import { MAIN_CHAIN_ID } from "@vshard/engine";
import { decodeSchema, schemaToJson } from "@vshard/types";
import { ApiError } from "../apiError.ts";
import { chainToJson, validatorToJson } from "../networkJson.ts";
import type { NetworkView } from "../networkView.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { chainIdParam, chainNotFound, networkOf } from "./networkScope.ts";

const chainParamsSchema = {
  type: "object",
  required: ["chainId"],
  properties: { chainId: chainIdParam },
} as const;

/** The main chain's shard as `GET /v1/chains` shows it. */
function mainToJson(network: NetworkView) {
  const main = network.shard(MAIN_CHAIN_ID, 0);
  // A network node always runs the main chain; its absence is a bug of the node, not of the request.
  if (!main) throw new ApiError(500, "API_ERROR_NO_MAIN_CHAIN", "this network node runs no main chain");
  return {
    chainId: MAIN_CHAIN_ID,
    shard: 0,
    plugin: main.consensus.name,
    height: main.chain.head().height,
    finalizedHeight: main.chain.finalizedHeight(),
    epoch: network.epochs.currentEpoch(),
  };
}

async function chainEntryOf(network: NetworkView, params: unknown) {
  const { chainId } = params as { chainId: number };
  const entry = await network.registry.getChain(chainId);
  if (!entry) throw chainNotFound(chainId);
  return entry;
}

/** The main chain's registry: worker chains (their schemas and shards) and validators. */
export function networkRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/chains",
      operationId: "listChains",
      summary:
        "The main chain (height, final height, epoch) and every registered worker chain: name, version, schema hash, " +
        "owner and each shard's plugin, whether this node runs it, its heights, committee epoch and anchored height",
      schema: {},
      async handler() {
        const network = networkOf(ctx);
        const entries = await network.registry.listChains();
        return {
          main: mainToJson(network),
          chains: await Promise.all(entries.map((e) => chainToJson(network, e))),
        };
      },
    },
    {
      method: "GET",
      url: "/v1/chains/:chainId",
      operationId: "getChain",
      summary: "One registered worker chain as GET /v1/chains lists it, with its schema",
      schema: { params: chainParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        return chainToJson(network, await chainEntryOf(network, req.params), true);
      },
    },
    {
      method: "GET",
      url: "/v1/chains/:chainId/schema",
      operationId: "getChainSchema",
      summary:
        "The schema of a registered worker chain in JSON (every default spelt out; its hash is the chain's schemaHash)",
      schema: { params: chainParamsSchema },
      async handler(req) {
        const entry = await chainEntryOf(networkOf(ctx), req.params);
        return schemaToJson(decodeSchema(entry.schema));
      },
    },
    {
      method: "GET",
      url: "/v1/validators",
      operationId: "listValidators",
      summary:
        "Every validator registered on the main chain: keys (ed25519, BLS, VRF), address, deposit, registration height",
      schema: {},
      async handler() {
        return (await networkOf(ctx).registry.listValidators()).map(validatorToJson);
      },
    },
  ];
}
