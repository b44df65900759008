import { bytesToHex } from "@vshard/crypto";
import { type Block, type Header, headerHash, txHash } from "@vshard/types";
import { signedTxToJson } from "./txJson.ts";

/** JSON form of a header: byte fields in hex, plus its hash. */
export function headerToJson(h: Header) {
  return {
    hash: bytesToHex(headerHash(h)),
    chainId: h.chainId,
    shard: h.shard,
    height: h.height,
    parentHash: bytesToHex(h.parentHash),
    stateRoot: bytesToHex(h.stateRoot),
    txRoot: bytesToHex(h.txRoot),
    receiptRoot: bytesToHex(h.receiptRoot),
    bodyCid: bytesToHex(h.bodyCid),
    proposer: bytesToHex(h.proposer),
    time: h.time,
    epoch: h.epoch,
    certificate: bytesToHex(h.certificate),
  };
}

/** JSON form of a block: the header and either the tx hashes or the full txs. */
export function blockToJson(b: Block, fullTxs: boolean) {
  return {
    header: headerToJson(b.header),
    txCount: b.txs.length,
    txs: fullTxs ? b.txs.map(signedTxToJson) : b.txs.map((s) => bytesToHex(txHash(s.tx))),
  };
}
