/** A message kept for a later height, as it came off the channel. */
export interface BufferedMessage {
  kind: string;
  from: string;
  data: Uint8Array;
}

/** Bounds of {@link FutureMessages}. */
export interface FutureMessagesOptions {
  /** Heights above the current one that are kept. */
  heightsAhead: number;
  /** Messages kept per (height, committee member). */
  perMember: number;
}

/**
 * Two heights ahead: a node one block behind keeps what the others already send, and one two behind still keeps the
 * next height's messages while block sync brings the missing one. 64 per member and height: two votes and a proposal
 * a round leave room for ~20 rounds, while a Byzantine member can make a node store at most 64 of its own messages.
 */
export const defaultFutureMessagesOptions: FutureMessagesOptions = { heightsAhead: 2, perMember: 64 };

/**
 * Messages (already signature-checked) for heights the node has not reached, by height and by the member that signed
 * them, bounded per member so that no member can crowd out the others. Pure.
 */
export class FutureMessages {
  private readonly byHeight = new Map<number, Map<number, BufferedMessage[]>>();

  constructor(private readonly opts: FutureMessagesOptions = defaultFutureMessagesOptions) {}

  /** Keeps a message of `member` for `height`, if `height` is within reach of `current` and the member has room. */
  add(current: number, height: number, member: number, message: BufferedMessage): boolean {
    if (height <= current || height > current + this.opts.heightsAhead) return false;
    let members = this.byHeight.get(height);
    if (!members) {
      members = new Map();
      this.byHeight.set(height, members);
    }
    const list = members.get(member) ?? [];
    if (list.length >= this.opts.perMember) return false;
    list.push(message);
    members.set(member, list);
    return true;
  }

  /** Members that have a message kept for `height`. */
  membersAt(height: number): number[] {
    return [...(this.byHeight.get(height)?.keys() ?? [])];
  }

  /** Removes and returns the messages for `height` in arrival order per member; forgets every lower height. */
  take(height: number): BufferedMessage[] {
    const members = this.byHeight.get(height);
    for (const h of [...this.byHeight.keys()]) if (h <= height) this.byHeight.delete(h);
    return members ? [...members.values()].flat() : [];
  }

  /** Messages kept in all. */
  size(): number {
    let n = 0;
    for (const members of this.byHeight.values()) for (const list of members.values()) n += list.length;
    return n;
  }
}
