import type { ShardChain } from "@vshard/engine";
import { decodeHeader, encodeHeader, expectArray, expectBytes, expectUint, type Header } from "@vshard/types";
import type { PeerRpc } from "./peerRpc.ts";

/** [chainId, shard, fromHeight, count] → [[encoded header, …]]: the committed headers from `fromHeight` on. */
export const HEADERS_OP = "headers/range";

/** Most headers in one answer: 512 × ~250 bytes (a BLS certificate included) keeps an answer near 128 KiB. */
export const MAX_HEADERS_PER_ANSWER = 512;

/** Serves the committed headers of every chain shard `lookup` finds (a full or archive node, for light nodes). */
export function serveHeaders(
  rpc: PeerRpc,
  lookup: (chainId: number, shard: number) => ShardChain | undefined,
): () => void {
  return rpc.handle(HEADERS_OP, async (_from, [chainId, shard, from, count]) => {
    const chain = lookup(expectUint(chainId, "chainId"), expectUint(shard, "shard"));
    if (!chain) return [[]];
    const start = expectUint(from, "from");
    const end = Math.min(
      chain.head().height,
      start + Math.min(expectUint(count, "count"), MAX_HEADERS_PER_ANSWER) - 1,
    );
    const headers: Uint8Array[] = [];
    for (let h = start; h <= end; h++) {
      const header = await chain.getHeader(h);
      if (!header) break;
      headers.push(encodeHeader(header));
    }
    return [headers];
  });
}

/** Asks `peer` for headers of a chain shard from `from` on; malformed answers throw a `CodecError`. */
export async function requestHeaders(
  rpc: PeerRpc,
  peer: string,
  at: { chainId: number; shard: number; from: number; count: number },
): Promise<Header[]> {
  const [list] = await rpc.request(peer, HEADERS_OP, [at.chainId, at.shard, at.from, at.count]);
  return expectArray(list, "headers", (v, what) => decodeHeader(expectBytes(v, what)));
}
