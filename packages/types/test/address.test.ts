import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AddressError,
  type AddressErrorCode,
  addressFromPublicKey,
  addressToText,
  MAX_SHARD_ID,
  parseAddress,
  parseSubAccount,
  subAccountToText,
} from "../src/index.ts";
import { bytesArb, shardArb } from "./arbitraries.ts";

function addressError(fn: () => unknown, code: AddressErrorCode): AddressError {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AddressError);
  expect((err as AddressError).code).toBe(code);
  return err as AddressError;
}

const sample = addressToText(addressFromPublicKey(new Uint8Array(32).fill(7)));

describe("address text", () => {
  it("round-trips every address as 'vs' + 48 lower-case hex digits", () => {
    fc.assert(
      fc.property(bytesArb(20), (address) => {
        const text = addressToText(address);
        expect(text).toMatch(/^vs[0-9a-f]{48}$/);
        expect(parseAddress(text)).toEqual(address);
      }),
    );
  });

  it("derives a 20-byte address from a public key", () => {
    expect(addressFromPublicKey(new Uint8Array(32))).toHaveLength(20);
  });

  it("rejects a wrong prefix", () => {
    const err = addressError(() => parseAddress(`xs${sample.slice(2)}`), "ADDRESS_ERROR_FORMAT");
    expect(err.message).toBe(`invalid address 'xs${sample.slice(2)}': must start with 'vs'`);
    expect(err.type.input).toBe(`xs${sample.slice(2)}`);
    addressError(() => parseAddress(sample.slice(2)), "ADDRESS_ERROR_FORMAT");
    addressError(() => parseAddress(`VS${sample.slice(2)}`), "ADDRESS_ERROR_FORMAT");
  });

  it("rejects a wrong length, naming both lengths", () => {
    expect(addressError(() => parseAddress(sample.slice(0, -1)), "ADDRESS_ERROR_FORMAT").message).toContain(
      "expected 48 hex digits after 'vs', got 47",
    );
    expect(addressError(() => parseAddress(`${sample}0`), "ADDRESS_ERROR_FORMAT").message).toContain(
      "got 49",
    );
    expect(addressError(() => parseAddress(""), "ADDRESS_ERROR_FORMAT").message).toContain(
      "must start with 'vs'",
    );
  });

  it("rejects upper-case and non-hex digits", () => {
    const upper = `vs${sample.slice(2).toUpperCase()}`;
    expect(addressError(() => parseAddress(upper), "ADDRESS_ERROR_FORMAT").message).toContain(
      "only lower-case hex digits",
    );
    const nonHex = `${sample.slice(0, 10)}g${sample.slice(11)}`;
    addressError(() => parseAddress(nonHex), "ADDRESS_ERROR_FORMAT");
  });

  it("detects any single changed hex digit with the checksum (property)", () => {
    fc.assert(
      fc.property(
        bytesArb(20),
        fc.integer({ min: 2, max: 49 }),
        fc.integer({ min: 1, max: 15 }),
        (address, at, delta) => {
          const text = addressToText(address);
          const digit = ((Number.parseInt(text[at], 16) + delta) % 16).toString(16);
          const changed = text.slice(0, at) + digit + text.slice(at + 1);
          const err = addressError(() => parseAddress(changed), "ADDRESS_ERROR_CHECKSUM");
          expect(err.message).toBe(
            `invalid address '${changed}': checksum does not match (mistyped address?)`,
          );
        },
      ),
    );
  });

  it("rejects input that is not a string", () => {
    addressError(() => parseAddress(42 as unknown as string), "ADDRESS_ERROR_FORMAT");
  });
});

describe("sub-account text", () => {
  it("round-trips `address@shard` for every shard", () => {
    fc.assert(
      fc.property(bytesArb(20), shardArb, (address, shard) => {
        const text = subAccountToText({ address, shard });
        expect(text).toBe(`${addressToText(address)}@${shard}`);
        expect(parseSubAccount(text)).toEqual({ address, shard });
      }),
    );
  });

  it("accepts the edge shards", () => {
    expect(parseSubAccount(`${sample}@0`).shard).toBe(0);
    expect(parseSubAccount(`${sample}@${MAX_SHARD_ID}`).shard).toBe(65_535);
  });

  it("needs '@shard' unless a default shard is given", () => {
    expect(addressError(() => parseSubAccount(sample), "ADDRESS_ERROR_SHARD").message).toBe(
      `invalid sub-account '${sample}': missing '@shard'`,
    );
    expect(parseSubAccount(sample, 3)).toEqual({ address: parseAddress(sample), shard: 3 });
  });

  it.each(["", "abc", "01", "-1", "1.5", " 1", "1 ", "0x10", "1e3", "1@2"])(
    "rejects the shard text '%s'",
    (shard) => {
      const err = addressError(() => parseSubAccount(`${sample}@${shard}`), "ADDRESS_ERROR_SHARD");
      expect(err.message).toContain(`shard '${shard}' is not an integer in 0..65535`);
    },
  );

  it("rejects a shard above 65535", () => {
    for (const shard of ["65536", "100000", "99999999999999999999"])
      addressError(() => parseSubAccount(`${sample}@${shard}`), "ADDRESS_ERROR_SHARD");
  });

  it("reports a bad address part with the address error", () => {
    addressError(() => parseSubAccount(`${sample.slice(0, -1)}@1`), "ADDRESS_ERROR_FORMAT");
    const changed = `${sample.slice(0, 5)}${sample[5] === "0" ? "1" : "0"}${sample.slice(6)}@1`;
    addressError(() => parseSubAccount(changed), "ADDRESS_ERROR_CHECKSUM");
  });
});
