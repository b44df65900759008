import { NetworkError } from "../networkError.ts";

/** Longest topic name a frame may carry (ours are under 60 bytes). */
export const MAX_TOPIC_BYTES = 256;

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the topic (by default the decoder strips it, and the topic would change).
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** One direct message on a stream: u16 topic length, the topic in UTF-8, then the data. */
export function encodeDirectFrame(topic: string, data: Uint8Array): Uint8Array {
  const t = encoder.encode(topic);
  if (t.length === 0 || t.length > MAX_TOPIC_BYTES)
    throw new NetworkError(
      { code: "NETWORK_ERROR_BAD_FRAME", detail: "frame" },
      `topic of ${t.length} bytes`,
    );
  const out = new Uint8Array(2 + t.length + data.length);
  out[0] = t.length >> 8;
  out[1] = t.length & 0xff;
  out.set(t, 2);
  out.set(data, 2 + t.length);
  return out;
}

/** Reads a direct message; throws `NETWORK_ERROR_BAD_FRAME` saying what is wrong. */
export function decodeDirectFrame(bytes: Uint8Array): { topic: string; data: Uint8Array } {
  if (bytes.length < 2)
    throw new NetworkError(
      { code: "NETWORK_ERROR_BAD_FRAME", detail: "frame" },
      "frame shorter than its header",
    );
  const len = (bytes[0] << 8) | bytes[1];
  if (len === 0 || len > MAX_TOPIC_BYTES || bytes.length < 2 + len)
    throw new NetworkError({ code: "NETWORK_ERROR_BAD_FRAME", detail: "frame" }, `bad topic length ${len}`);
  let topic: string;
  try {
    topic = decoder.decode(bytes.subarray(2, 2 + len));
  } catch {
    throw new NetworkError({ code: "NETWORK_ERROR_BAD_FRAME", detail: "frame" }, "topic is not UTF-8");
  }
  return { topic, data: bytes.subarray(2 + len) };
}
