import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeDirectFrame,
  encodeDirectFrame,
  MAX_TOPIC_BYTES,
} from "../../src/network/libp2p/directFrame.ts";
import { NetworkError } from "../../src/network/networkError.ts";

const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** Any topic of 1..MAX_TOPIC_BYTES UTF-8 bytes (whole code points: no lone surrogate, which UTF-8 cannot carry). */
const topicArb = fc
  .string({ unit: "binary", minLength: 1, maxLength: MAX_TOPIC_BYTES })
  .filter((t) => utf8(t) >= 1 && utf8(t) <= MAX_TOPIC_BYTES);

/** Asserts that `run` throws a `NETWORK_ERROR_BAD_FRAME` network error. */
function expectBadFrame(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(NetworkError);
  expect((thrown as NetworkError).code).toBe("NETWORK_ERROR_BAD_FRAME");
}

/** A frame header claiming a topic of `len` bytes, followed by `rest`. */
const header = (len: number, ...rest: number[]) => new Uint8Array([len >> 8, len & 0xff, ...rest]);

it("keeps a leading U+FEFF as part of the topic (not a byte-order mark to strip)", () => {
  const bytes = encodeDirectFrame("\uFEFFa", new Uint8Array([1]));
  expect(decodeDirectFrame(bytes).topic).toBe("\uFEFFa");
});

describe("direct frames", () => {
  it("round-trips any topic of 1..256 UTF-8 bytes with any data (property)", () => {
    fc.assert(
      fc.property(topicArb, fc.uint8Array({ maxLength: 2048 }), (topic, data) => {
        const frame = encodeDirectFrame(topic, data);
        expect(frame.length).toBe(2 + utf8(topic) + data.length);
        const back = decodeDirectFrame(frame);
        expect(back.topic).toBe(topic);
        expect([...back.data]).toEqual([...data]);
      }),
    );
  });

  it("lays out a u16 big-endian topic length, the topic, then the data", () => {
    expect([...encodeDirectFrame("rpc/request", new Uint8Array([9, 8]))]).toEqual([
      0,
      11,
      ...new TextEncoder().encode("rpc/request"),
      9,
      8,
    ]);
    // The length counts bytes, not characters: 128 two-byte characters fill the 256-byte limit exactly.
    const wide = "é".repeat(128);
    expect(decodeDirectFrame(encodeDirectFrame(wide, new Uint8Array())).topic).toBe(wide);
    expect(encodeDirectFrame("x".repeat(MAX_TOPIC_BYTES), new Uint8Array())[0]).toBe(1);
  });

  it("refuses to encode an empty topic or one over the limit", () => {
    expectBadFrame(() => encodeDirectFrame("", new Uint8Array([1])));
    expectBadFrame(() => encodeDirectFrame("x".repeat(MAX_TOPIC_BYTES + 1), new Uint8Array()));
    expectBadFrame(() => encodeDirectFrame("é".repeat(129), new Uint8Array()));
  });

  it("refuses every malformed frame with NETWORK_ERROR_BAD_FRAME", () => {
    // Shorter than the header.
    expectBadFrame(() => decodeDirectFrame(new Uint8Array()));
    expectBadFrame(() => decodeDirectFrame(new Uint8Array([0])));
    // Zero topic length.
    expectBadFrame(() => decodeDirectFrame(header(0, 1, 2, 3)));
    // Topic length over the limit (the bytes are there: the length alone is refused).
    expectBadFrame(() => decodeDirectFrame(header(MAX_TOPIC_BYTES + 1, ...new Uint8Array(300).fill(0x61))));
    expectBadFrame(() => decodeDirectFrame(header(0xffff)));
    // Truncated: the header promises more topic bytes than follow.
    expectBadFrame(() => decodeDirectFrame(header(10, 0x61, 0x62, 0x63)));
    expectBadFrame(() =>
      decodeDirectFrame(encodeDirectFrame("rpc/request", new Uint8Array()).subarray(0, 12)),
    );
    // A topic that is not UTF-8: a lone continuation byte, an overlong encoding, a truncated sequence.
    expectBadFrame(() => decodeDirectFrame(header(1, 0x80)));
    expectBadFrame(() => decodeDirectFrame(header(2, 0xc0, 0xaf, 7)));
    expectBadFrame(() => decodeDirectFrame(header(2, 0x61, 0xe2)));
  });

  it("accepts a frame with empty data, and a header-exact topic", () => {
    const frame = decodeDirectFrame(header(1, 0x61));
    expect(frame.topic).toBe("a");
    expect(frame.data.length).toBe(0);
  });

  it("decodes arbitrary bytes or throws NETWORK_ERROR_BAD_FRAME, never anything else (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        let frame: { topic: string; data: Uint8Array };
        try {
          frame = decodeDirectFrame(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(NetworkError);
          expect((err as NetworkError).code).toBe("NETWORK_ERROR_BAD_FRAME");
          return;
        }
        // What decodes re-encodes to the same bytes.
        expect([...encodeDirectFrame(frame.topic, frame.data)]).toEqual([...bytes]);
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes frames with a plausible header and random contents the same way (property)", () => {
    // Random bytes rarely start with a small length: also try headers of 1..300 over random bodies.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.uint8Array({ maxLength: 400 }), (len, body) => {
        const bytes = new Uint8Array([len >> 8, len & 0xff, ...body]);
        try {
          const frame = decodeDirectFrame(bytes);
          expect(utf8(frame.topic)).toBe(len);
          expect(frame.data.length).toBe(bytes.length - 2 - len);
        } catch (err) {
          expect((err as NetworkError).code).toBe("NETWORK_ERROR_BAD_FRAME");
        }
      }),
      { numRuns: 2000 },
    );
  });
});
