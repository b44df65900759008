import { bytesEqual } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import type { ChainHead, LedgerDb } from "@vshard/storage";
import { type Header, headerHash, ZERO_HASH } from "@vshard/types";
import { MAX_HEADERS_PER_ANSWER, requestHeaders } from "../dlfs/headerService.ts";
import type { PeerRpc } from "../dlfs/peerRpc.ts";

/** A chain shard a light node follows. */
export interface FollowedShard {
  chainId: number;
  shard: number;
}

/**
 * Keeps the headers of some chain shards, asked from full nodes: each answer must continue the stored chain (height
 * after height, each parent hash the hash of the header before, a genesis with a zero parent), or it is refused and
 * the next full node asked. It stores headers only: bodies stay in the DLFS.
 */
export class HeaderFollower {
  private readonly heads = new Map<string, ChainHead>();

  constructor(
    private readonly opts: { shards: FollowedShard[]; fullNodes: string[] },
    private readonly modules: { db: LedgerDb; rpc: PeerRpc; logger: Logger },
  ) {}

  /** Loads the stored heads (after a restart). */
  async load(): Promise<void> {
    for (const { chainId, shard } of this.opts.shards) {
      const head = await this.modules.db.getHead(chainId, shard);
      if (head) this.heads.set(`${chainId}/${shard}`, head);
    }
  }

  /** The last stored header of a followed shard, or null (none yet, or not followed). */
  head(chainId: number, shard: number): ChainHead | null {
    return this.heads.get(`${chainId}/${shard}`) ?? null;
  }

  follows(chainId: number, shard: number): boolean {
    return this.opts.shards.some((s) => s.chainId === chainId && s.shard === shard);
  }

  /** One round: asks for the headers above each stored head until a full node has no more; returns how many were added. */
  async syncOnce(): Promise<number> {
    let added = 0;
    for (const s of this.opts.shards) added += await this.syncShard(s);
    return added;
  }

  private async syncShard(s: FollowedShard): Promise<number> {
    let added = 0;
    for (const peer of this.opts.fullNodes) {
      for (;;) {
        const head = this.head(s.chainId, s.shard);
        const from = head ? head.height + 1 : 0;
        let headers: Header[];
        try {
          headers = await requestHeaders(this.modules.rpc, peer, {
            ...s,
            from,
            count: MAX_HEADERS_PER_ANSWER,
          });
        } catch (err) {
          this.modules.logger.debug({ peer, err }, "light: headers request failed");
          break;
        }
        const checked = this.link(s, head, headers);
        if (checked === null) {
          this.modules.logger.warn(
            { peer, chain: `${s.chainId}/${s.shard}`, from },
            "light: headers refused",
          );
          break;
        }
        if (checked.length === 0) return added;
        await this.modules.db.putHeaders(s.chainId, s.shard, checked);
        const last = checked[checked.length - 1];
        this.heads.set(`${s.chainId}/${s.shard}`, {
          height: last.header.height,
          hash: last.hash,
          stateRoot: last.header.stateRoot,
        });
        added += checked.length;
        if (headers.length < MAX_HEADERS_PER_ANSWER) return added;
      }
    }
    return added;
  }

  /** The headers with their hashes when they extend `head` one by one; null when any does not. */
  private link(
    s: FollowedShard,
    head: ChainHead | null,
    headers: Header[],
  ): Array<{ hash: Uint8Array; header: Header }> | null {
    const out: Array<{ hash: Uint8Array; header: Header }> = [];
    let prev = head ? { height: head.height, hash: head.hash } : { height: -1, hash: ZERO_HASH };
    for (const header of headers) {
      if (header.chainId !== s.chainId || header.shard !== s.shard) return null;
      if (header.height !== prev.height + 1 || !bytesEqual(header.parentHash, prev.hash)) return null;
      const hash = headerHash(header);
      out.push({ hash, header });
      prev = { height: header.height, hash };
    }
    return out;
  }
}
